/**
 * Dropdown (DropdownModel 2.0.0). As in ipywidgets, only the labels and the selected index
 * travel to the browser; the values stay in the kernel, so an option may be any value at all
 * (a number, a preset object, a function).
 */
import { UsageError } from "../compute/usageError.js";
import type { JSONValue } from "./bridge.js";
import { ValueWidget, domParts, type DOMWidgetOptions } from "./domWidget.js";
import { CONTROLS_MODULE, CONTROLS_VERSION, modelKeys } from "./protocol.js";

/** Plain values (labelled by String(value)), [label, value] pairs, or {label: value}. */
export type DropdownChoices<T> = ReadonlyArray<T | readonly [string, T]> | Record<string, T>;

export interface DropdownOptions<T> extends DOMWidgetOptions {
  options: DropdownChoices<T>;
  /** The selected value; default the first option. */
  value?: T;
}

function normalize<T>(choices: DropdownChoices<T>): Array<[string, T]> {
  if (Array.isArray(choices)) {
    return choices.map((c) => (Array.isArray(c) && c.length === 2 && typeof c[0] === "string" ? [c[0], c[1]] : [String(c), c as T]));
  }
  if (choices && typeof choices === "object") return Object.entries(choices as Record<string, T>);
  throw new UsageError(`dropdown: options=${String(choices)} is not allowed; allowed: an array of values, of [label, value] pairs, or an object {label: value}`);
}

export class Dropdown<T = unknown> extends ValueWidget<T> {
  readonly #choices: Array<[string, T]>;

  constructor(options: DropdownOptions<T>) {
    const choices = normalize(options?.options);
    if (choices.length === 0) throw new UsageError("dropdown: options is empty; give at least one option");
    const index = options.value === undefined ? 0 : choices.findIndex(([, v]) => Object.is(v, options.value) || JSON.stringify(v) === JSON.stringify(options.value));
    if (index < 0) throw new UsageError(`dropdown: value=${String(options.value)} is not one of the options (${choices.map(([l]) => l).join(", ")})`);
    super(
      {
        ...modelKeys([CONTROLS_MODULE, CONTROLS_VERSION, "DropdownModel"], [CONTROLS_MODULE, CONTROLS_VERSION, "DropdownView"]),
        _options_labels: choices.map(([label]) => label),
        disabled: options.disabled ?? false,
        index,
      },
      domParts(options, "DescriptionStyleModel"),
    );
    this.#choices = choices;
  }

  get value(): T {
    return this.#choices[this.index][1];
  }
  set value(v: T) {
    const i = this.#choices.findIndex(([, x]) => Object.is(x, v));
    if (i < 0) throw new UsageError(`dropdown ${this.description}: ${String(v)} is not one of the options (${this.labels.join(", ")})`);
    this.set({ index: i });
  }

  get index(): number {
    return this.get("index") as number;
  }

  get label(): string {
    return this.#choices[this.index][0];
  }

  get labels(): string[] {
    return this.#choices.map(([label]) => label);
  }

  protected override valueKeys(): string[] {
    return ["index"];
  }

  protected override coerce(key: string, value: JSONValue): JSONValue {
    if (key === "_options_labels") return this.get(key);
    if (key !== "index") return super.coerce(key, value);
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value >= this.#choices.length) {
      throw new UsageError(`dropdown ${this.description}: index=${String(value)} is outside 0..${this.#choices.length - 1}`);
    }
    return value;
  }

  override toString(): string {
    return `Dropdown(value=${JSON.stringify(this.label)}, options=${JSON.stringify(this.labels)}${this.description ? `, description=${JSON.stringify(this.description)}` : ""})`;
  }
}

export function dropdown<T>(options: DropdownOptions<T>): Dropdown<T> {
  return new Dropdown(options);
}
