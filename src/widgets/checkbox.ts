/** Checkbox (CheckboxModel 2.0.0): a boolean switch. */
import { UsageError } from "../compute/usageError.js";
import type { JSONValue } from "./bridge.js";
import { ValueWidget, domParts, type DOMWidgetOptions } from "./domWidget.js";
import { CONTROLS_MODULE, CONTROLS_VERSION, modelKeys } from "./protocol.js";

export interface CheckboxOptions extends DOMWidgetOptions {
  /** Default false. */
  value?: boolean;
  /** Line the box up with the other controls' descriptions; default true. */
  indent?: boolean;
}

export class Checkbox extends ValueWidget<boolean> {
  constructor(options: CheckboxOptions = {}) {
    if (options.value !== undefined && typeof options.value !== "boolean") {
      throw new UsageError(`checkbox: value=${String(options.value)} is not allowed; allowed: true or false`);
    }
    super(
      {
        ...modelKeys([CONTROLS_MODULE, CONTROLS_VERSION, "CheckboxModel"], [CONTROLS_MODULE, CONTROLS_VERSION, "CheckboxView"]),
        disabled: options.disabled ?? false,
        indent: options.indent ?? true,
        value: options.value ?? false,
      },
      domParts(options, "CheckboxStyleModel"),
    );
  }

  get value(): boolean {
    return this.get("value") as boolean;
  }
  set value(v: boolean) {
    this.set({ value: v });
  }

  protected override coerce(key: string, value: JSONValue): JSONValue {
    if (key === "value" && typeof value !== "boolean") throw new UsageError(`checkbox ${this.description}: value=${String(value)} is not true or false`);
    return super.coerce(key, value);
  }
}

export function checkbox(options: CheckboxOptions = {}): Checkbox {
  return new Checkbox(options);
}
