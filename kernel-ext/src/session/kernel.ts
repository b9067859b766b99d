/**
 * The shell channel: a table of handlers named after the messages they answer, built once, and
 * one dispatcher around them, as in ipykernel (ipykernel/kernelbase.py: `msg_types`, the
 * `shell_handlers` table, `dispatch_shell`). The dispatcher publishes busy, runs the handler,
 * logs and answers an error reply if it throws, and publishes idle in `finally`. Handlers are
 * protocol plumbing (read the request, send the reply); the behaviour they call lives in
 * cells.ts, execute.ts, history.ts and comms.ts.
 *
 * Cells run one after another. Other requests (completion, comm messages from widgets) are
 * served as they arrive, also while a cell awaits: a JavaScript kernel should not need a cell
 * to finish before a slider can talk to it.
 */
import { Slot, type SharedState } from "../wire/shared.js";
import type { Request } from "../wire/threads.js";
import { log, type SendOptions, type Transport } from "../wire/transport.js";
import type { Header, JsonObject } from "../wire/wire.js";
import { Cells, completeness } from "./cells.js";
import { History, type HistoryQuery } from "./history.js";
import { CommManager } from "./comms.js";
import { userCall } from "./userCode.js";
import { doExecute } from "./execute.js";
import { Interrupted, thrownError } from "./errors.js";

/** LOWRANK_KERNEL_DEBUG=1 logs every request the kernel serves. */
const debug = Boolean(process.env.LOWRANK_KERNEL_DEBUG);

export type Handler = (r: Request) => void | Promise<void>;

export class Kernel {
  readonly handlers: Record<string, Handler>;
  readonly comms: CommManager;
  readonly history = new History();
  /** Runs a user callback so an interrupt can stop it. */
  readonly call: <T>(fn: () => T) => T;
  executionCount = 0;
  /** Requests being served, oldest first (a cell, and what arrived while it awaits). */
  private readonly active: Request[] = [];
  /** execute_requests waiting for the running cell. */
  private readonly cellQueue: Request[] = [];
  private cellBusy = false;
  /** execute_requests that arrived (shell seq) at or before this are aborted: an earlier cell failed. */
  private abortUpTo = 0;
  private running: Request | undefined;
  /** Resolves at the next interrupt. */
  private interruptNotice: Promise<void>;
  private fireInterruptNotice: () => void = () => {};
  private lastCell: Request | undefined;

  constructor(
    readonly transport: Transport,
    readonly shared: SharedState,
    readonly cells: Cells,
    private readonly info: JsonObject,
  ) {
    this.call = userCall(shared);
    this.interruptNotice = new Promise((resolve) => (this.fireInterruptNotice = resolve));
    this.comms = new CommManager((type, content, o) => this.publish(type, content, o), this.call, log);
    this.handlers = {
      kernel_info_request: (r) => this.kernel_info_request(r),
      execute_request: (r) => this.execute_request(r),
      complete_request: (r) => this.complete_request(r),
      inspect_request: (r) => this.inspect_request(r),
      is_complete_request: (r) => this.is_complete_request(r),
      history_request: (r) => this.history_request(r),
      comm_info_request: (r) => this.comm_info_request(r),
      shutdown_request: (r) => this.shutdown_request(r),
      // As ipykernel/ipkernel.py does, the comm manager brings its own handlers.
      ...this.comms.handlers,
    };
  }

  onShutdown: (restart: boolean) => void = () => {};

  dispatch(r: Request): void {
    if (r.header.msg_type !== "execute_request") return void this.dispatchOne(r);
    this.cellQueue.push(r);
    this.nextCell();
  }

  /**
   * Starts the next queued cell when none runs. A plain queue rather than a promise chain: an
   * interrupt that ends a task with Runtime.terminateExecution drops V8's pending microtasks,
   * and a `.then` queued behind the interrupted cell would be lost with them, stalling every
   * cell after it.
   */
  private nextCell(): void {
    if (this.cellBusy) return;
    const r = this.cellQueue.shift();
    if (!r) return;
    this.cellBusy = true;
    void this.dispatchOne(r, () => {
      this.cellBusy = false;
      this.nextCell();
    });
  }

  private async dispatchOne(r: Request, done?: () => void): Promise<void> {
    const type = r.header.msg_type;
    this.active.push(r);
    if (debug) log(`${r.channel} ${type} ${r.header.msg_id}`);
    this.status("busy", r.header);
    try {
      const handler = this.handlers[type];
      if (!handler) log(`unknown message type ${JSON.stringify(type)} on ${r.channel}; ignored`);
      // A cell answers an interrupt itself (an Interrupted error); any other pending handler
      // (a comm callback awaiting something) is given up on, so its request still ends in idle.
      else if (type === "execute_request") await handler(r);
      else await Promise.race([handler(r), this.interruptNotice.then(() => Promise.reject(new Interrupted()))]);
    } catch (e) {
      log(`${type} failed: ${e instanceof Error ? e.stack : String(e)}`);
      const err = thrownError(e);
      if (type.endsWith("_request")) this.reply(r, { status: "error", ...err });
      // A failing widget callback has no reply to carry its error: show it as stderr of the comm
      // message (an Output widget capturing that message, or JupyterLab's log console, shows it).
      else this.publish("stream", { name: "stderr", text: err.traceback.join("\n") + "\n" }, { parent: r.header });
    } finally {
      this.active.splice(this.active.indexOf(r), 1);
      this.status("idle", r.header);
      done?.();
    }
  }

  // ---- plumbing -------------------------------------------------------------------------

  /** Sends the reply to `r`; its type is derived from the request's, never written by hand. */
  reply(r: Request, content: JsonObject, metadata: JsonObject = {}): void {
    const type = r.header.msg_type.replace(/_request$/, "_reply");
    this.transport.send(r.channel, type, content, { parent: r.header, identities: r.identities, metadata });
  }

  /** An iopub message, parented to the request now being served unless told otherwise. */
  publish(msgType: string, content: JsonObject, o: SendOptions = {}): void {
    this.transport.send("iopub", msgType, content, { parent: this.currentRequest()?.header ?? {}, ...o });
  }

  private status(state: "busy" | "idle", parent: Header): void {
    this.transport.send("iopub", "status", { execution_state: state }, { parent });
  }

  /**
   * The request output belongs to: the latest one still being served, else the last cell, as
   * ipykernel sends late output (from threads there, timers here) to the current cell.
   *
   * Not AsyncLocalStorage, which would follow each request's async work exactly: its promise
   * hooks make Node abort when an interrupt ends a task with Runtime.terminateExecution
   * (wire/interruptMain.ts). Output of a cell's async part that overlaps a comm_msg goes to the comm_msg.
   */
  currentRequest(): Request | undefined {
    return this.active[this.active.length - 1] ?? this.lastCell;
  }

  // ---- handlers -------------------------------------------------------------------------

  kernel_info_request(r: Request): void {
    this.reply(r, this.info);
  }

  async execute_request(r: Request): Promise<void> {
    if (r.seq <= this.abortUpTo) return this.reply(r, { status: "aborted" }, { status: "aborted" });
    this.running = r;
    this.lastCell = r;
    try {
      const content = await doExecute(this, r);
      this.reply(r, content, { status: content.status });
    } finally {
      this.running = undefined;
    }
  }

  /** After a failed cell with stop_on_error: abort every execute_request already received. */
  abortQueuedCells(): void {
    this.abortUpTo = Atomics.load(this.shared.slots, Slot.LastShellSeq);
  }

  complete_request(r: Request): void {
    const { code, cursor_pos } = r.content as { code: string; cursor_pos?: number };
    const c = this.cells.complete(code, cursor_pos ?? code.length);
    this.reply(r, { status: "ok", matches: c.matches, cursor_start: c.cursorStart, cursor_end: c.cursorEnd, metadata: {} });
  }

  inspect_request(r: Request): void {
    const { code, cursor_pos } = r.content as { code: string; cursor_pos?: number };
    const text = this.cells.inspect(code, cursor_pos ?? code.length);
    this.reply(r, { status: "ok", found: text !== undefined, data: text === undefined ? {} : { "text/plain": text }, metadata: {} });
  }

  is_complete_request(r: Request): void {
    this.reply(r, completeness(String(r.content.code ?? "")));
  }

  history_request(r: Request): void {
    this.reply(r, { status: "ok", history: this.history.query(r.content as HistoryQuery) });
  }

  comm_info_request(r: Request): void {
    const target = r.content.target_name;
    this.reply(r, { status: "ok", comms: this.comms.info(typeof target === "string" ? target : undefined) });
  }

  /** Deprecated on shell (control is the place), still sent by some clients. */
  shutdown_request(r: Request): void {
    const restart = Boolean(r.content.restart);
    this.reply(r, { status: "ok", restart });
    this.onShutdown(restart);
  }

  /**
   * An interrupt reached the main thread between tasks: interrupt_request number `gen` (from
   * the socket thread), or a SIGINT from outside (no gen). Stops a pending top-level await.
   * A request the cell already answered with an Interrupted error (acknowledged) is done.
   */
  interrupt(gen?: number): void {
    const s = this.shared.slots;
    if (gen !== undefined && Atomics.load(s, Slot.InterruptAck) >= gen) return;
    Atomics.store(s, Slot.InterruptAck, gen ?? Atomics.load(s, Slot.InterruptGen));
    if (this.running) this.cells.interrupt();
    this.fireInterruptNotice();
    this.interruptNotice = new Promise((resolve) => (this.fireInterruptNotice = resolve));
  }
}
