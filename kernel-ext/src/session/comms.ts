/**
 * Comms (messaging spec, "Custom Messages"): long-lived channels between kernel-side and
 * frontend-side objects, opened from either end, used by ipywidgets. Like ipykernel's
 * comm manager (ipykernel/comm/manager.py), this adds comm_open, comm_msg and comm_close to
 * the shell handler table and answers comm_info_request with the live comms.
 */
import { randomUUID } from "node:crypto";
import type { CommHandle, JSONObject } from "../../../src/widgets/bridge.js";
import type { JsonObject } from "../wire/wire.js";
import type { Request } from "../wire/threads.js";

export type CommSend = (msgType: "comm_open" | "comm_msg" | "comm_close", content: JsonObject, o: { metadata?: JsonObject; buffers?: ArrayBufferView[] }) => void;
export type CommTarget = (comm: CommHandle, data: JSONObject, buffers: DataView[]) => void | Promise<void>;
type MsgHandler = (data: JSONObject, buffers: DataView[]) => void | Promise<void>;
type CloseHandler = (data: JSONObject) => void;

export class Comm implements CommHandle {
  private msgHandlers: MsgHandler[] = [];
  private closeHandlers: CloseHandler[] = [];
  private closed = false;

  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly out: CommSend,
    private readonly forget: (id: string) => void,
  ) {}

  send(data: JSONObject, buffers: ArrayBufferView[] = [], metadata: JSONObject = {}): void {
    if (this.closed) throw new Error(`comm ${this.commId} (${this.targetName}) is closed; open a new one to send`);
    this.out("comm_msg", { comm_id: this.commId, data }, { metadata, buffers });
  }

  close(data: JSONObject = {}): void {
    if (this.closed) return;
    this.out("comm_close", { comm_id: this.commId, data }, {});
    this.closedBy(data, false);
  }

  onMsg(handler: MsgHandler): void {
    this.msgHandlers.push(handler);
  }

  onClose(handler: CloseHandler): void {
    this.closeHandlers.push(handler);
  }

  /** @internal A comm_msg from the frontend. */
  async received(data: JSONObject, buffers: DataView[]): Promise<void> {
    for (const h of this.msgHandlers) await h(data, buffers);
  }

  /** @internal Closed by the frontend (notify) or by us. */
  closedBy(data: JSONObject, notify: boolean): void {
    this.closed = true;
    this.forget(this.commId);
    if (notify) for (const h of this.closeHandlers) h(data);
  }
}

const views = (buffers: ArrayBuffer[]) => buffers.map((b) => new DataView(b));

export class CommManager {
  private readonly targets = new Map<string, CommTarget>();
  private readonly comms = new Map<string, Comm>();

  constructor(
    private readonly out: CommSend,
    /** Runs a user callback so an interrupt can stop it (see userCode.ts). */
    private readonly call: <T>(fn: () => T) => T,
    private readonly log: (s: string) => void,
  ) {}

  registerTarget(name: string, onOpen: CommTarget): void {
    this.targets.set(name, onOpen);
  }

  /** Opens a comm from the kernel side. */
  open(targetName: string, data: JSONObject, o: { metadata?: JSONObject; buffers?: ArrayBufferView[] } = {}): Comm {
    const comm = this.add(randomUUID().replaceAll("-", ""), targetName);
    this.out("comm_open", { comm_id: comm.commId, target_name: targetName, data, target_module: null }, o);
    return comm;
  }

  private add(id: string, targetName: string): Comm {
    const comm = new Comm(id, targetName, this.out, (x) => this.comms.delete(x));
    this.comms.set(id, comm);
    return comm;
  }

  /** Shell handlers, added to the kernel's table. */
  readonly handlers = {
    comm_open: async (r: Request) => {
      const { comm_id, target_name, data } = r.content as { comm_id: string; target_name: string; data?: JSONObject };
      const target = this.targets.get(target_name);
      if (!target) {
        // As ipykernel does: tell the frontend this comm will never answer.
        this.log(`comm_open for unknown target ${JSON.stringify(target_name)}; closing it (known: ${[...this.targets.keys()].join(", ") || "none"})`);
        this.out("comm_close", { comm_id, data: {} }, {});
        return;
      }
      const comm = this.add(comm_id, target_name);
      try {
        await this.call(() => target(comm, data ?? {}, views(r.buffers)));
      } catch (e) {
        comm.close();
        throw e;
      }
    },
    comm_msg: async (r: Request) => {
      const { comm_id, data } = r.content as { comm_id: string; data?: JSONObject };
      const comm = this.comms.get(comm_id);
      if (!comm) return this.log(`comm_msg for unknown comm ${comm_id}; ignored`);
      await this.call(() => comm.received(data ?? {}, views(r.buffers)));
    },
    comm_close: (r: Request) => {
      const { comm_id, data } = r.content as { comm_id: string; data?: JSONObject };
      const comm = this.comms.get(comm_id);
      if (!comm) return this.log(`comm_close for unknown comm ${comm_id}; ignored`);
      this.call(() => comm.closedBy(data ?? {}, true));
    },
  };

  /** comm_info_reply's `comms`: every live comm, or those of one target. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const [id, c] of this.comms) if (!targetName || c.targetName === targetName) out[id] = { target_name: c.targetName };
    return out;
  }
}
