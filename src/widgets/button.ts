/**
 * Button (ButtonModel 2.0.0). A click is not state: the browser sends a `custom` message
 * {event: "click"} on the button's comm, and the kernel calls the click handlers.
 */
import { UsageError } from "../compute/usageError.js";
import { DOMWidget, domParts, type DOMWidgetOptions } from "./domWidget.js";
import { CONTROLS_MODULE, CONTROLS_VERSION, modelKeys } from "./protocol.js";

const buttonStyles = ["primary", "success", "info", "warning", "danger", ""] as const;

export interface ButtonOptions extends DOMWidgetOptions {
  /** One of primary, success, info, warning, danger, or '' (plain); default ''. */
  button_style?: (typeof buttonStyles)[number];
  /** A Font Awesome icon name without the 'fa-' prefix, e.g. 'play'; default none. */
  icon?: string;
}

export class Button extends DOMWidget {
  readonly #handlers: Array<(button: Button) => void | Promise<void>> = [];

  constructor(options: ButtonOptions = {}) {
    const style = options.button_style ?? "";
    if (!buttonStyles.includes(style)) throw new UsageError(`button: button_style='${style}' is not allowed; allowed: ${buttonStyles.filter(Boolean).join(", ")} or ''`);
    super(
      {
        ...modelKeys([CONTROLS_MODULE, CONTROLS_VERSION, "ButtonModel"], [CONTROLS_MODULE, CONTROLS_VERSION, "ButtonView"]),
        button_style: style,
        disabled: options.disabled ?? false,
        icon: options.icon ?? "",
      },
      domParts(options, "ButtonStyleModel", "text"),
    );
    this.onCustom((content) => {
      if (content && typeof content === "object" && !Array.isArray(content) && content.event === "click") this.click();
    });
  }

  /** Calls `fn` on every click; returns a function that removes it. */
  onClick(fn: (button: Button) => void | Promise<void>): () => void {
    this.#handlers.push(fn);
    return () => {
      const i = this.#handlers.indexOf(fn);
      if (i >= 0) this.#handlers.splice(i, 1);
    };
  }

  /**
   * Runs the click handlers, as a click in the browser does. They start synchronously, so
   * what they display is parented to the click's comm_msg; an error in one is logged, not thrown.
   */
  click(): void {
    const report = (e: unknown) => console.error(`button ${this.description}: click handler failed:`, e);
    for (const fn of [...this.#handlers]) {
      try {
        Promise.resolve(fn(this)).catch(report);
      } catch (e) {
        report(e);
      }
    }
  }

  protected override reprKeys(): string[] {
    return ["description"];
  }
}

export function button(options: ButtonOptions = {}): Button {
  return new Button(options);
}
