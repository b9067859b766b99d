/**
 * What the kernel's two threads say to each other. The socket thread (sockets.ts) owns the
 * ZeroMQ sockets, so the heartbeat and the control channel answer even while user code holds
 * the main thread; the main thread (session/kernel.ts) runs cells and serves the shell channel.
 */
import type { ConnectionInfo } from "./connection.js";
import type { Header, JsonObject } from "./wire.js";
import type { SharedState } from "./shared.js";

export type Channel = "shell" | "control" | "stdin" | "iopub";

/** A request received and verified by the socket thread. */
export interface Request {
  kind: "request";
  channel: "shell" | "control";
  /** Arrival order on the shell channel; decides which queued cells an error aborts. */
  seq: number;
  identities: Uint8Array[];
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata: JsonObject;
  content: JsonObject;
  buffers: ArrayBuffer[];
}

/** A message for the socket thread to sign and send. */
export interface Outgoing {
  kind: "send";
  channel: Channel;
  msgType: string;
  content: JsonObject;
  /** The request this answers or reports on; its header becomes parent_header. */
  parent?: Header | Record<string, never>;
  /** Routing frames: the requester's identities on shell/control/stdin. */
  identities?: Uint8Array[];
  metadata?: JsonObject;
  buffers?: ArrayBuffer[];
}

export type ToSockets = Outgoing | { kind: "stop" };
export type FromSockets =
  | Request
  | { kind: "ready" }
  /** interrupt_request number `gen` arrived on control. */
  | { kind: "interrupt"; gen: number }
  | { kind: "shutdown"; restart: boolean }
  | { kind: "stopped" };

export interface SocketsInit {
  connection: ConnectionInfo;
  shared: SharedState;
  /** kernel_info_reply content, answered on control without waiting for the main thread. */
  kernelInfo: JsonObject;
  /** This kernel's session id, the `session` of every header it writes. */
  session: string;
}
