/**
 * The kernel's side of src/widgets/bridge.ts: what widgets, progress bars and figures in src/
 * use to reach the notebook (display, display updates, comms) without importing the kernel.
 */
import type { MimeBundle } from "../../../src/plot/display.js";
import { installKernelBridge, type DisplayOptions, type KernelBridge } from "../../../src/widgets/bridge.js";
import type { Kernel } from "./kernel.js";

/** display_data, or update_display_data for `displayId` when `update` is set. */
export function publishDisplay(k: Kernel, data: MimeBundle, o: DisplayOptions = {}, parent = k.currentRequest()?.header): void {
  if (o.update && !o.displayId) throw new Error("display: update needs the displayId of the output to replace");
  const content = { data, metadata: o.metadata ?? {}, transient: o.displayId ? { display_id: o.displayId } : {} };
  k.transport.send("iopub", o.update ? "update_display_data" : "display_data", content, { parent: parent ?? {} });
}

export function kernelBridge(k: Kernel): KernelBridge {
  return {
    display: (bundle, o) => publishDisplay(k, bundle, o),
    clearOutput: (wait = false) => k.publish("clear_output", { wait }),
    openComm: (targetName, data, o) => k.comms.open(targetName, data, o),
    registerCommTarget: (targetName, onOpen) => k.comms.registerTarget(targetName, onOpen),
    currentParentMsgId: () => k.currentRequest()?.header.msg_id,
  };
}

export function installBridge(k: Kernel): void {
  installKernelBridge(kernelBridge(k));
}
