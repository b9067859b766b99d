/** The main thread's end of the socket thread: start it, hand it messages, hear its requests. */
import { Worker } from "node:worker_threads";
import { writeSync } from "node:fs";
import type { ConnectionInfo } from "./connection.js";
import type { Header, JsonObject } from "./wire.js";
import { Slot, type SharedState } from "./shared.js";
import type { Channel, FromSockets, Outgoing, Request, SocketsInit } from "./threads.js";

export function log(text: string): void {
  // File descriptor 2 directly: process.stderr is redirected to the notebook while the kernel runs.
  writeSync(2, `[lowrank-lab kernel] ${text}\n`);
}

export interface SendOptions {
  parent?: Header | Record<string, never>;
  identities?: Uint8Array[];
  metadata?: JsonObject;
  buffers?: ArrayBufferView[];
}

export class Transport {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private stopped?: () => void;
  /** Requests that arrive before listen() wait here: the kernel may still be compiling its first cells. */
  private early: Request[] | undefined = [];
  private onRequest: (r: Request) => void = (r) => this.early?.push(r);
  private onShutdown: (restart: boolean) => void = () => {};
  /** Before the kernel listens there is no cell to stop: an interrupt is done once read. */
  private onInterrupt: (gen: number) => void = (gen) => Atomics.store(this.shared.slots, Slot.InterruptAck, gen);

  constructor(connection: ConnectionInfo, readonly shared: SharedState, kernelInfo: JsonObject, readonly session: string) {
    const init: SocketsInit = { connection, shared, kernelInfo, session };
    this.worker = new Worker(new URL("./sockets.js", import.meta.url), { workerData: init, stdout: true, stderr: true });
    // Anything the socket thread prints is kernel log, never cell output.
    this.worker.stdout.on("data", (b: Buffer) => log(b.toString().trimEnd()));
    this.worker.stderr.on("data", (b: Buffer) => log(b.toString().trimEnd()));
    this.ready = new Promise((resolve, reject) => {
      this.worker.on("message", (m: FromSockets) => {
        if (m.kind === "ready") resolve();
        else if (m.kind === "request") this.onRequest(m);
        else if (m.kind === "interrupt") this.onInterrupt(m.gen);
        else if (m.kind === "shutdown") this.onShutdown(m.restart);
        else if (m.kind === "stopped") this.stopped?.();
      });
      this.worker.on("error", (e) => {
        log(`socket thread failed: ${e.stack ?? String(e)}`);
        reject(e);
        process.exit(1);
      });
    });
  }

  start(): Promise<void> {
    return this.ready;
  }

  listen(on: { request: (r: Request) => void; interrupt: (gen: number) => void; shutdown: (restart: boolean) => void }): void {
    this.onRequest = on.request;
    this.onInterrupt = on.interrupt;
    this.onShutdown = on.shutdown;
    const early = this.early ?? [];
    this.early = undefined;
    early.forEach(on.request);
  }

  send(channel: Channel, msgType: string, content: JsonObject, o: SendOptions = {}): void {
    // Buffers are copied into fresh ArrayBuffers and transferred: the caller may reuse its views.
    const buffers = (o.buffers ?? []).map((v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice().buffer);
    const m: Outgoing = { kind: "send", channel, msgType, content, parent: o.parent, identities: o.identities, metadata: o.metadata, buffers };
    this.worker.postMessage(m, buffers);
  }

  /** Closes the sockets (after flushing what is queued). */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.stopped = resolve;
      this.worker.postMessage({ kind: "stop" });
    });
  }
}
