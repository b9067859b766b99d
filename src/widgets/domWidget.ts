/**
 * What every visible control shares in ipywidgets 8: a Layout, usually a Style, a
 * description, and the `_dom_classes` / `tabbable` / `tooltip` keys of DOMWidgetModel.
 * ValueWidget adds the typed `value` a notebook reads and sets.
 */
import { Layout, Style, type LayoutOptions, type StyleModelName, type StyleOptions } from "./layout.js";
import { modelRef, type WidgetState } from "./protocol.js";
import { Widget } from "./widget.js";

/** Options every control accepts. */
export interface DOMWidgetOptions {
  /** The label shown left of the control; default none. */
  description?: string;
  /** Greyed out and not editable; default false. */
  disabled?: boolean;
  /** Shown on hover; default none. */
  tooltip?: string;
  /** CSS box properties, e.g. {width: "400px"}. */
  layout?: LayoutOptions;
  /** Look of this control kind, e.g. {description_width: "initial"}. */
  style?: StyleOptions;
}

export interface DOMParts {
  state: WidgetState;
  layout: Layout;
  style?: Style;
}

/**
 * Opens the layout and style models a control refers to. They must exist before the
 * control's own comm opens: a frontend resolves "IPY_MODEL_<id>" references at once.
 */
export function domParts(options: DOMWidgetOptions, styleModel: StyleModelName | undefined, description: "text" | "html" | "none" = "html"): DOMParts {
  const layout = new Layout(options.layout);
  const style = styleModel ? new Style(styleModel, options.style) : undefined;
  const state: WidgetState = { _dom_classes: [], layout: modelRef(layout.modelId), tabbable: null, tooltip: options.tooltip ?? null };
  if (style) state.style = modelRef(style.modelId);
  // Most controls have `description` and `description_allow_html`; a Button only the first,
  // boxes and Output neither (controls 2.0.0 schema).
  if (description !== "none") state.description = options.description ?? "";
  if (description === "html") state.description_allow_html = false;
  if (options.disabled !== undefined) state.disabled = options.disabled;
  return { state, layout, style };
}

export class DOMWidget extends Widget {
  readonly layout: Layout;
  readonly style: Style | undefined;

  constructor(state: WidgetState, parts: DOMParts) {
    super({ ...parts.state, ...state });
    this.layout = parts.layout;
    this.style = parts.style;
  }

  get description(): string {
    return String(this.get("description") ?? "");
  }

  /** Closes this control and the layout and style models it owns. */
  override close(): void {
    super.close();
    this.layout.close();
    this.style?.close();
  }
}

/** A control with a `value`: sliders, dropdowns, checkboxes. */
export abstract class ValueWidget<T> extends DOMWidget {
  abstract get value(): T;
  abstract set value(v: T);

  /** Calls `fn(newValue, oldValue)` whenever the value changes, from code or from the browser. */
  onChange(fn: (value: T, old: T) => void): () => void {
    let last = this.value;
    return this.observe(() => {
      const now = this.value;
      const old = last;
      last = now;
      fn(now, old);
    }, this.valueKeys());
  }

  /** The state keys that carry the value ('value', or a dropdown's 'index'). */
  protected valueKeys(): string[] {
    return ["value"];
  }

  protected override reprKeys(): string[] {
    return ["value", ...(this.description ? ["description"] : [])];
  }
}
