/**
 * Every live widget of this kernel, and the control comm that hands all their states to a
 * frontend at once. A reloaded page (or a second browser tab) opens `jupyter.widget.control`,
 * sends `request_states` and rebuilds every view from the `update_states` answer, so
 * widgets survive a reload while the kernel lives (control protocol 1.0.0, messages.md).
 */
import { kernelBridge, type KernelBridge, type JSONObject } from "./bridge.js";
import { CONTROL_TARGET } from "./protocol.js";
import type { Widget } from "./widget.js";

/** Model id → widget, for every widget not yet closed. */
export const liveWidgets = new Map<string, Widget>();

const registered = new WeakSet<KernelBridge>();

/** Registers the control comm target once per kernel; widgets call it when their first comm opens. */
export function registerWidgetTargets(bridge: KernelBridge): void {
  if (registered.has(bridge)) return;
  registered.add(bridge);
  bridge.registerCommTarget(CONTROL_TARGET, (comm) => {
    comm.onMsg((data) => {
      if (data.method !== "request_states") {
        console.warn(`lowrank-lab widgets: ignored control message '${String(data.method)}'`);
        return;
      }
      comm.send({ method: "update_states", states: allStates(), buffer_paths: [] });
    });
  });
}

/** The `states` of an `update_states` message: each model's identity and full state. */
export function allStates(): JSONObject {
  const states: JSONObject = {};
  for (const [id, widget] of liveWidgets) {
    const state = widget.getState();
    states[id] = {
      model_name: state._model_name,
      model_module: state._model_module,
      model_module_version: state._model_module_version,
      state,
    };
  }
  return states;
}

// A page reloaded before this kernel made any widget still asks for their states; answering
// "none" beats the frontend's time-out, so register as soon as `lab` loads inside the kernel.
const bridge = kernelBridge();
if (bridge) registerWidgetTargets(bridge);
