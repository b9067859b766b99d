/**
 * The seam between the kernel (kernel-ext/, which sits above src/) and the notebook features
 * in src/ that need it: rich display, display updates, comms. The kernel publishes an object
 * of this shape on `globalThis[Symbol.for("lowrank-lab.kernel")]`; src/ looks it up at call
 * time and never imports kernel-ext, so the arrows in the architecture keep pointing down.
 * Under a kernel without the bridge (plain tslab, node), the features degrade: progress goes
 * to stderr, widgets show their static fallback.
 */

import type { MimeBundle } from "../plot/display.js";

export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };
export type JSONObject = { [key: string]: JSONValue };
export type { MimeBundle };

/** One end of a Jupyter comm (messaging spec, "Custom Messages"). */
export interface CommHandle {
  readonly commId: string;
  readonly targetName: string;
  /** comm_msg to the frontend; buffers travel as binary frames, never base64. */
  send(data: JSONObject, buffers?: ArrayBufferView[], metadata?: JSONObject): void;
  /** comm_close to the frontend. */
  close(data?: JSONObject): void;
  /** Called for each comm_msg from the frontend. */
  onMsg(handler: (data: JSONObject, buffers: DataView[]) => void | Promise<void>): void;
  /** Called once when the frontend closes the comm. */
  onClose(handler: (data: JSONObject) => void): void;
}

export interface DisplayOptions {
  /** Names the output so it can be updated in place later (update_display_data). */
  displayId?: string;
  /** Send update_display_data for `displayId` instead of a new display_data. */
  update?: boolean;
  metadata?: JSONObject;
}

export interface KernelBridge {
  /** display_data (or update_display_data) on iopub, parented to the request being handled. */
  display(bundle: MimeBundle, options?: DisplayOptions): void;
  /** clear_output on iopub; `wait` defers the clear until the next output arrives. */
  clearOutput(wait?: boolean): void;
  /** Opens a comm from the kernel side (comm_open on iopub). */
  openComm(targetName: string, data: JSONObject, options?: { metadata?: JSONObject; buffers?: ArrayBufferView[] }): CommHandle;
  /** Accepts comm_open from the frontend for `targetName`. */
  registerCommTarget(targetName: string, onOpen: (comm: CommHandle, data: JSONObject, buffers: DataView[]) => void): void;
  /** The msg_id of the request now being handled (execute_request or comm_msg), for the Output widget's capture. */
  currentParentMsgId(): string | undefined;
}

const key = Symbol.for("lowrank-lab.kernel");

/** The running kernel's bridge, or undefined outside the lowrank-lab kernel. */
export function kernelBridge(): KernelBridge | undefined {
  return (globalThis as Record<symbol, KernelBridge | undefined>)[key];
}

/** Called once by the kernel at start-up. */
export function installKernelBridge(bridge: KernelBridge): void {
  (globalThis as Record<symbol, KernelBridge | undefined>)[key] = bridge;
}
