/**
 * The socket thread (a worker_thread). It owns the five ZeroMQ sockets, checks every incoming
 * signature, signs every outgoing message, echoes heartbeats, and serves the control channel
 * itself, because a cell stuck in `while (true) {}` holds the main thread: interrupt_request,
 * shutdown_request and kernel_info_request must still be answered then.
 */
import { parentPort, workerData } from "node:worker_threads";
import { randomUUID } from "node:crypto";
import { writeSync } from "node:fs";
import * as zmq from "zeromq";
import { endpoint } from "./connection.js";
import { decode, encode, PROTOCOL_VERSION, Signer, WireError, type Header, type JsonObject, type WireMessage } from "./wire.js";
import { Slot, StdinState } from "./shared.js";
import { interruptMain } from "./interruptMain.js";
import type { FromSockets, Outgoing, SocketsInit, ToSockets } from "./threads.js";

const { connection, shared, kernelInfo, session } = workerData as SocketsInit;
const port = parentPort!;
const signer = new Signer(connection.key, connection.signature_scheme);

// Logs go straight to file descriptor 2: a worker's process.stderr is relayed through the main
// thread, which may be blocked, and whose process.stderr carries the cells' output.
const log = (text: string) => writeSync(2, `[lowrank-lab kernel] ${text}\n`);
const post = (m: FromSockets, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

const sockets = {
  shell: new zmq.Router(),
  control: new zmq.Router(),
  stdin: new zmq.Router(),
  iopub: new zmq.Publisher(),
  hb: new zmq.Reply(),
};

/** One send at a time per socket, in order: zeromq.js rejects a send while another is in flight. */
const queues = new Map<object, Promise<void>>();
function sendFrames(socket: zmq.Router | zmq.Publisher, frames: Buffer[]): void {
  const previous = queues.get(socket) ?? Promise.resolve();
  const next = previous.then(() => socket.send(frames)).catch((e: unknown) => void log(`send failed: ${String(e)}`));
  queues.set(socket, next);
}

function header(msgType: string): Header {
  return { msg_id: randomUUID(), session, username: "kernel", date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
}

function send(m: Outgoing): void {
  if (m.channel === "iopub" && m.msgType === "stream") return bufferStream(m);
  if (m.channel === "iopub") flushStream();
  transmit(m);
}

function transmit(m: Outgoing): void {
  const msg: WireMessage = {
    identities: m.channel === "iopub" ? [Buffer.from(`kernel.${session}.${m.msgType}`)] : (m.identities ?? []).map((b) => Buffer.from(b)),
    header: header(m.msgType),
    parent_header: m.parent ?? {},
    metadata: m.metadata ?? {},
    content: m.content,
    buffers: (m.buffers ?? []).map((b) => Buffer.from(b)),
  };
  sendFrames(sockets[m.channel], encode(msg, signer));
}

// Stream output is coalesced for a few milliseconds, as ipykernel's OutStream does, so a loop
// printing thousands of lines sends a handful of messages. Any other iopub message flushes it
// first, so outputs keep their order and the final idle always comes after them.
let pendingStream: Outgoing | undefined;
let streamTimer: NodeJS.Timeout | undefined;
function bufferStream(m: Outgoing): void {
  const p = pendingStream;
  if (p && p.content.name === m.content.name && (p.parent as Header | undefined)?.msg_id === (m.parent as Header | undefined)?.msg_id) {
    p.content = { ...p.content, text: String(p.content.text) + String(m.content.text) };
    return;
  }
  flushStream();
  pendingStream = m;
  streamTimer = setTimeout(flushStream, 30);
}
function flushStream(): void {
  const p = pendingStream;
  if (!p) return;
  pendingStream = undefined;
  clearTimeout(streamTimer);
  transmit(p);
}

function reply(request: WireMessage, channel: "control" | "shell", content: JsonObject): void {
  const msgType = request.header.msg_type.replace(/_request$/, "_reply");
  send({ kind: "send", channel, msgType, content, parent: request.header, identities: request.identities });
}

function status(state: "busy" | "idle" | "starting", parent?: Header): void {
  send({ kind: "send", channel: "iopub", msgType: "status", content: { execution_state: state }, parent });
}

/** Control-channel handlers, named after the messages they answer (ipykernel's control_msg_types). */
const controlHandlers: Record<string, (m: WireMessage) => void> = {
  kernel_info_request(m) {
    reply(m, "control", kernelInfo);
  },
  interrupt_request(m) {
    const gen = Atomics.add(shared.slots, Slot.InterruptGen, 1) + 1;
    if (Atomics.compareExchange(shared.slots, Slot.StdinState, StdinState.Waiting, StdinState.Interrupted) === StdinState.Waiting) {
      Atomics.notify(shared.slots, Slot.StdinState);
    }
    void interruptMain(shared, gen, () => post({ kind: "interrupt", gen }), log);
    reply(m, "control", { status: "ok" });
  },
  shutdown_request(m) {
    const restart = Boolean(m.content.restart);
    reply(m, "control", { status: "ok", restart });
    post({ kind: "shutdown", restart });
    // The main thread closes the kernel and exits; if user code holds it, end the process.
    setTimeout(() => process.kill(process.pid, "SIGTERM"), 3000).unref();
  },
};

function onControl(m: WireMessage): void {
  const handler = controlHandlers[m.header.msg_type];
  status("busy", m.header);
  try {
    if (handler) handler(m);
    else log(`unknown control message type ${JSON.stringify(m.header.msg_type)}; ignored`);
  } catch (e) {
    log(`control ${m.header.msg_type} failed: ${e instanceof Error ? e.stack : String(e)}`);
    reply(m, "control", { status: "error", ename: "KernelError", evalue: String(e), traceback: [] });
  } finally {
    status("idle", m.header);
  }
}

let shellSeq = 0;
function onShell(m: WireMessage): void {
  const seq = ++shellSeq;
  Atomics.store(shared.slots, Slot.LastShellSeq, seq);
  const buffers = m.buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  post(
    { kind: "request", channel: "shell", seq, identities: m.identities.map((b) => new Uint8Array(b)), header: m.header, parent_header: m.parent_header, metadata: m.metadata, content: m.content, buffers },
    buffers,
  );
}

function onStdin(m: WireMessage): void {
  if (m.header.msg_type !== "input_reply") return void log(`unexpected ${m.header.msg_type} on stdin; ignored`);
  const bytes = Buffer.from(String(m.content.value ?? ""), "utf8").subarray(0, shared.text.length);
  if (Atomics.load(shared.slots, Slot.StdinState) !== StdinState.Waiting) return void log("input_reply with no input_request pending; ignored");
  shared.text.set(bytes);
  Atomics.store(shared.slots, Slot.StdinLength, bytes.length);
  Atomics.store(shared.slots, Slot.StdinState, StdinState.Replied);
  Atomics.notify(shared.slots, Slot.StdinState);
}

// jupyter-client's Session refuses a signature it has already seen (a replayed message); so do we.
const seen = new Set<string>();
function verified(frames: Buffer[], channel: string): WireMessage | undefined {
  try {
    const m = decode(frames, signer);
    const signature = frames[m.identities.length + 1].toString("ascii");
    if (signature !== "") {
      if (seen.has(signature)) throw new WireError("duplicate signature (replayed message)");
      seen.add(signature);
      if (seen.size > 50_000) seen.delete(seen.values().next().value as string);
    }
    return m;
  } catch (e) {
    log(`dropped a message on ${channel}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

async function serve(socket: zmq.Router, channel: string, handle: (m: WireMessage) => void): Promise<void> {
  for await (const frames of socket) {
    const m = verified(frames, channel);
    if (m) handle(m);
  }
}

async function heartbeat(): Promise<void> {
  for await (const frames of sockets.hb) await sockets.hb.send(frames);
}

port.on("message", async (m: ToSockets) => {
  if (m.kind === "send") return send(m);
  if (m.kind === "stop") {
    flushStream();
    await Promise.all(queues.values());
    for (const s of Object.values(sockets)) s.close();
    post({ kind: "stopped" });
  }
});

async function start(): Promise<void> {
  // The iopub socket is bound first so "starting" can go out while the rest come up.
  await sockets.iopub.bind(endpoint(connection, connection.iopub_port));
  await Promise.all([
    sockets.shell.bind(endpoint(connection, connection.shell_port)),
    sockets.control.bind(endpoint(connection, connection.control_port)),
    sockets.stdin.bind(endpoint(connection, connection.stdin_port)),
    sockets.hb.bind(endpoint(connection, connection.hb_port)),
  ]);
  status("starting");
  const done = (name: string) => (e: unknown) => {
    if (!(e instanceof Error && /closed|terminated/i.test(e.message))) log(`${name} loop ended: ${String(e)}`);
  };
  serve(sockets.shell, "shell", onShell).catch(done("shell"));
  serve(sockets.control, "control", onControl).catch(done("control"));
  serve(sockets.stdin, "stdin", onStdin).catch(done("stdin"));
  heartbeat().catch(done("heartbeat"));
  post({ kind: "ready" });
}

// Like ipykernel's ParentPollerUnix: a kernel whose launcher died (killed, crashed) is an orphan
// nobody can reach any more; it ends itself rather than linger. Polled here, since this thread
// runs even while a cell holds the main one.
const launcher = process.ppid;
setInterval(() => {
  if (process.ppid === launcher) return;
  log(`the process that started this kernel (pid ${launcher}) is gone; exiting`);
  process.kill(process.pid, "SIGTERM");
}, 2000).unref();

// A failure here reaches the main thread as the worker's "error" event, and it exits.
await start();
