/**
 * The constants and wire shapes of the Jupyter widget messaging protocol, version 2.1.0
 * (ipywidgets 8; packages/schema/messages.md in jupyter-widgets/ipywidgets). The model
 * modules are those of ipywidgets 8's frontends: @jupyter-widgets/base and /controls at
 * 2.0.0, @jupyter-widgets/output at 1.0.0; any frontend that renders ipywidgets 8 renders ours.
 */
import type { JSONObject, JSONValue } from "./bridge.js";

export const PROTOCOL_VERSION = "2.1.0";
/** The control comm ("request_states" for a page reload) has its own version. */
export const CONTROL_PROTOCOL_VERSION = "1.0.0";

export const WIDGET_TARGET = "jupyter.widget";
export const CONTROL_TARGET = "jupyter.widget.control";
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

export const BASE_MODULE = "@jupyter-widgets/base";
export const CONTROLS_MODULE = "@jupyter-widgets/controls";
export const OUTPUT_MODULE = "@jupyter-widgets/output";
export const BASE_VERSION = "2.0.0";
export const CONTROLS_VERSION = "2.0.0";
export const OUTPUT_VERSION = "1.0.0";

/** Widget state as it travels: JSON values, with references to other models as "IPY_MODEL_<id>". */
export type WidgetState = { [key: string]: JSONValue };

/** The six keys every model's state starts with; they never change after the comm opens. */
export function modelKeys(
  model: [module: string, version: string, name: string],
  view: [module: string, version: string, name: string],
): WidgetState {
  return {
    _model_module: model[0],
    _model_module_version: model[1],
    _model_name: model[2],
    _view_module: view[0],
    _view_module_version: view[1],
    _view_name: view[2],
  };
}

/** How one model refers to another in its state (ipywidgets' widget_serialization). */
export const modelRef = (id: string): string => `IPY_MODEL_${id}`;

/**
 * Puts binary buffers back into a state at their paths (messages.md: "buffer_paths").
 * None of our models has binary state, but a frontend may still send some (a custom
 * widget's data), and it must arrive in the right place rather than be dropped.
 */
export function putBuffers(state: JSONObject, paths: JSONValue | undefined, buffers: DataView[]): void {
  if (!Array.isArray(paths)) return;
  paths.forEach((path, i) => {
    if (!Array.isArray(path) || path.length === 0 || i >= buffers.length) return;
    let node = state as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) node = node[key as string] as Record<string | number, unknown>;
    node[path[path.length - 1] as string] = buffers[i];
  });
}
