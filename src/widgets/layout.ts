/**
 * Layout and style: the small models every ipywidgets 8 control points to. Layout carries
 * CSS box properties (width, margin, flex, ...), a style the look of one kind of control
 * (a slider's handle colour, a description's width). Each control owns its own pair, as in
 * ipywidgets, so restyling one never restyles another.
 */
import { UsageError } from "../compute/usageError.js";
import type { JSONValue } from "./bridge.js";
import { BASE_MODULE, BASE_VERSION, CONTROLS_MODULE, CONTROLS_VERSION, modelKeys, type WidgetState } from "./protocol.js";
import { Widget } from "./widget.js";

/** CSS properties of LayoutModel 2.0.0; each defaults to null (the frontend's own CSS). */
const layoutKeys = [
  "align_content", "align_items", "align_self", "border_bottom", "border_left", "border_right", "border_top", "bottom",
  "display", "flex", "flex_flow", "grid_area", "grid_auto_columns", "grid_auto_flow", "grid_auto_rows", "grid_column",
  "grid_gap", "grid_row", "grid_template_areas", "grid_template_columns", "grid_template_rows", "height",
  "justify_content", "justify_items", "left", "margin", "max_height", "max_width", "min_height", "min_width",
  "object_fit", "object_position", "order", "overflow", "padding", "right", "top", "visibility", "width",
] as const;

export type LayoutOptions = Partial<Record<(typeof layoutKeys)[number], string>>;

export class Layout extends Widget {
  constructor(options: LayoutOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!(layoutKeys as readonly string[]).includes(key)) throw new UsageError(`layout: unknown key '${key}'; known: ${layoutKeys.join(", ")}`);
    }
    const state: WidgetState = modelKeys([BASE_MODULE, BASE_VERSION, "LayoutModel"], [BASE_MODULE, BASE_VERSION, "LayoutView"]);
    for (const key of layoutKeys) state[key] = options[key] ?? null;
    super(state);
  }

  protected override reprKeys(): string[] {
    return layoutKeys.filter((k) => this.get(k) !== null);
  }
}

/** The style model each control kind uses, with its keys and their defaults (controls 2.0.0). */
const styleDefaults = {
  DescriptionStyleModel: { description_width: "" },
  SliderStyleModel: { description_width: "", handle_color: null },
  CheckboxStyleModel: { description_width: "", background: null },
  ButtonStyleModel: {
    button_color: null, font_family: null, font_size: null, font_style: null, font_variant: null, font_weight: null,
    text_color: null, text_decoration: null,
  },
  HTMLStyleModel: { description_width: "", background: null, font_size: null, text_color: null },
} satisfies Record<string, Record<string, JSONValue>>;

export type StyleModelName = keyof typeof styleDefaults;

/** Style options, e.g. {description_width: "initial"} or a slider's {handle_color: "orange"}. */
export type StyleOptions = Record<string, string | null>;

export class Style extends Widget {
  constructor(model: StyleModelName, options: StyleOptions = {}) {
    const defaults: Record<string, JSONValue> = styleDefaults[model];
    for (const key of Object.keys(options)) {
      if (!(key in defaults)) throw new UsageError(`style: unknown key '${key}' for ${model}; known: ${Object.keys(defaults).join(", ")}`);
    }
    super({ ...modelKeys([CONTROLS_MODULE, CONTROLS_VERSION, model], [BASE_MODULE, BASE_VERSION, "StyleView"]), ...defaults, ...options });
  }
}
