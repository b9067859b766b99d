/** HBox and VBox (controls 2.0.0): lay widgets out in a row or a column. */
import { UsageError } from "../compute/usageError.js";
import { DOMWidget, domParts, type DOMWidgetOptions } from "./domWidget.js";
import { CONTROLS_MODULE, CONTROLS_VERSION, modelKeys, modelRef } from "./protocol.js";
import type { JSONValue } from "./bridge.js";
import { Widget } from "./widget.js";

const boxStyles = ["success", "info", "warning", "danger", ""] as const;

export interface BoxOptions extends Pick<DOMWidgetOptions, "layout" | "tooltip"> {
  /** A coloured border: success, info, warning, danger, or '' (none); default ''. */
  box_style?: (typeof boxStyles)[number];
}

export class Box extends DOMWidget {
  readonly children: readonly Widget[];

  constructor(kind: "HBox" | "VBox", children: readonly Widget[], options: BoxOptions = {}) {
    if (!Array.isArray(children) || children.some((c) => !(c instanceof Widget))) {
      throw new UsageError(`${kind.toLowerCase()}: children must be an array of widgets (slider(), output(), ...)`);
    }
    const style = options.box_style ?? "";
    if (!boxStyles.includes(style)) throw new UsageError(`${kind.toLowerCase()}: box_style='${style}' is not allowed; allowed: ${boxStyles.filter(Boolean).join(", ")} or ''`);
    super(
      {
        ...modelKeys([CONTROLS_MODULE, CONTROLS_VERSION, `${kind}Model`], [CONTROLS_MODULE, CONTROLS_VERSION, `${kind}View`]),
        box_style: style,
        children: children.map((c) => modelRef(c.modelId)),
      },
      domParts(options, undefined, "none"),
    );
    this.children = [...children];
  }

  protected override coerce(key: string, value: JSONValue): JSONValue {
    // The kernel owns the widget tree: a frontend cannot re-parent children.
    if (key === "children") return this.get(key);
    return super.coerce(key, value);
  }

  override toString(): string {
    return `${String(this.get("_model_name")).replace(/Model$/, "")}(${this.children.map(String).join(", ")})`;
  }
}

/** Widgets side by side. */
export function hbox(children: readonly Widget[], options: BoxOptions = {}): Box {
  return new Box("HBox", children, options);
}

/** Widgets stacked top to bottom. */
export function vbox(children: readonly Widget[], options: BoxOptions = {}): Box {
  return new Box("VBox", children, options);
}
