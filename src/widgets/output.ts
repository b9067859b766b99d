/**
 * Output (OutputModel, @jupyter-widgets/output 1.0.0): an area whose contents the kernel
 * replaces at will. ipywidgets offers two ways to fill one: set its `outputs` state, or set
 * `msg_id` so the frontend captures every output of that request. We use `outputs` only:
 * @jupyter-widgets/html-manager 1.0.x renders `outputs` but has no capture (its OutputModel
 * just mirrors the state), JupyterLab renders both, and state works however late a result
 * arrives, while capture needs outputs parented to a request that may have finished long
 * before a debounced `interact` re-run (and after a page reload, `request_states` restores it).
 */
import type { JSONObject, JSONValue } from "./bridge.js";
import { DOMWidget, domParts, type DOMWidgetOptions } from "./domWidget.js";
import { OUTPUT_MODULE, OUTPUT_VERSION, modelKeys } from "./protocol.js";
import { toOutputs } from "./toOutput.js";

export type OutputOptions = Pick<DOMWidgetOptions, "layout" | "tooltip">;

export class Output extends DOMWidget {
  constructor(options: OutputOptions = {}) {
    super(
      {
        ...modelKeys([OUTPUT_MODULE, OUTPUT_VERSION, "OutputModel"], [OUTPUT_MODULE, OUTPUT_VERSION, "OutputView"]),
        msg_id: "",
        outputs: [],
      },
      domParts(options, undefined, "none"),
    );
  }

  /** The nbformat outputs now shown. */
  get outputs(): JSONObject[] {
    return this.get("outputs") as JSONObject[];
  }

  /** Replaces everything shown with these values, in one update (no blank flash in between). */
  show(...values: unknown[]): void {
    this.setOutputs(values.flatMap(toOutputs));
  }

  /** Adds a value below what is shown (ipywidgets' append_display_data). */
  display(value: unknown): void {
    this.setOutputs([...this.outputs, ...toOutputs(value)]);
  }

  clear(): void {
    this.setOutputs([]);
  }

  /** Sets raw nbformat outputs. */
  setOutputs(outputs: JSONObject[]): void {
    this.set({ outputs: outputs as JSONValue[] });
  }

  override toString(): string {
    return `Output(${this.outputs.length} output${this.outputs.length === 1 ? "" : "s"})`;
  }
}

export function output(options: OutputOptions = {}): Output {
  return new Output(options);
}
