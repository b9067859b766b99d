/**
 * A KernelBridge that records every message instead of sending it, and lets a test play
 * the frontend: deliver comm_msg to a kernel comm, open a comm to a registered target.
 */
import { installKernelBridge, type CommHandle, type DisplayOptions, type JSONObject, type KernelBridge, type MimeBundle } from "../../src/widgets/bridge.js";

export interface SentMessage {
  kind: "open" | "msg" | "close";
  commId: string;
  targetName: string;
  data: JSONObject;
  metadata?: JSONObject;
  /** The request the kernel would parent this message to. */
  parent: string | undefined;
}

export class FakeComm implements CommHandle {
  msgHandlers: Array<(data: JSONObject, buffers: DataView[]) => void | Promise<void>> = [];
  closeHandlers: Array<(data: JSONObject) => void> = [];
  closed = false;
  constructor(readonly bridge: FakeBridge, readonly commId: string, readonly targetName: string) {}
  send(data: JSONObject, _buffers?: ArrayBufferView[], metadata?: JSONObject): void {
    this.bridge.sent.push({ kind: "msg", commId: this.commId, targetName: this.targetName, data, metadata, parent: this.bridge.parent });
  }
  close(data: JSONObject = {}): void {
    this.closed = true;
    this.bridge.sent.push({ kind: "close", commId: this.commId, targetName: this.targetName, data, parent: this.bridge.parent });
  }
  onMsg(handler: (data: JSONObject, buffers: DataView[]) => void | Promise<void>): void {
    this.msgHandlers.push(handler);
  }
  onClose(handler: (data: JSONObject) => void): void {
    this.closeHandlers.push(handler);
  }
}

export class FakeBridge implements KernelBridge {
  sent: SentMessage[] = [];
  displays: Array<{ bundle: MimeBundle; options?: DisplayOptions; parent: string | undefined }> = [];
  comms = new Map<string, FakeComm>();
  targets = new Map<string, (comm: CommHandle, data: JSONObject, buffers: DataView[]) => void>();
  /** The msg_id of the request being handled, as the kernel would track it. */
  parent: string | undefined = "execute-1";
  #next = 0;

  display(bundle: MimeBundle, options?: DisplayOptions): void {
    this.displays.push({ bundle, options, parent: this.parent });
  }
  clearOutput(): void {}
  openComm(targetName: string, data: JSONObject, options: { metadata?: JSONObject } = {}): CommHandle {
    const comm = new FakeComm(this, `comm-${++this.#next}`, targetName);
    this.comms.set(comm.commId, comm);
    this.sent.push({ kind: "open", commId: comm.commId, targetName, data, metadata: options.metadata, parent: this.parent });
    return comm;
  }
  registerCommTarget(targetName: string, onOpen: (comm: CommHandle, data: JSONObject, buffers: DataView[]) => void): void {
    this.targets.set(targetName, onOpen);
  }
  currentParentMsgId(): string | undefined {
    return this.parent;
  }

  /** The frontend sends comm_msg `data` on `commId`, with msg_id `msgId`. */
  async fromFrontend(commId: string, data: JSONObject, msgId = `frontend-${++this.#next}`): Promise<void> {
    const comm = this.comms.get(commId);
    if (!comm) throw new Error(`no comm ${commId}`);
    const before = this.parent;
    this.parent = msgId;
    try {
      await Promise.all(comm.msgHandlers.map((h) => h(data, [])));
    } finally {
      this.parent = before;
    }
  }

  /** The frontend opens a comm to `targetName` (as for jupyter.widget.control). */
  openFromFrontend(targetName: string, data: JSONObject = {}): FakeComm {
    const onOpen = this.targets.get(targetName);
    if (!onOpen) throw new Error(`no target ${targetName}`);
    const comm = new FakeComm(this, `frontend-comm-${++this.#next}`, targetName);
    this.comms.set(comm.commId, comm);
    onOpen(comm, data, []);
    return comm;
  }

  /** Messages the kernel sent on one comm. */
  on(commId: string): SentMessage[] {
    return this.sent.filter((m) => m.commId === commId);
  }
}

/** Installs a fresh fake bridge; call `uninstall()` in afterEach. */
export function installFakeBridge(): FakeBridge {
  const bridge = new FakeBridge();
  installKernelBridge(bridge);
  return bridge;
}

export function uninstallBridge(): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for("lowrank-lab.kernel")] = undefined;
}
