/**
 * How the socket thread stops whatever holds the main thread, for an interrupt_request.
 *
 * 1. It always tells the main thread (a message it reads between tasks): that rejects a pending
 *    top-level await, and is all an idle or awaiting kernel needs.
 * 2. If user code runs inside vm with `breakOnSigint` (Phase.UserSync: a cell's synchronous
 *    part, a comm callback), it claims the phase (Signalling) and sends SIGINT, which throws
 *    inside that code. Only then: a SIGINT at any other moment can land while vm swaps signal
 *    handlers and end the process (see shared.ts).
 * 3. If the main thread stays blocked outside the vm (a loop after an `await`, in a timer), the
 *    inspector's Runtime.terminateExecution ends the running task; the main thread then reads
 *    the message of step 1. Never during Phase.KernelWork (compiling).
 * The main thread acknowledges through the InterruptAck slot.
 */
import { Session } from "node:inspector";
import { Phase, Slot, type SharedState } from "./shared.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * How long the main thread must look blocked outside the vm (its Tick still, its phase
 * EventLoop) before its task is terminated. Long enough that a thread merely waiting for a
 * busy CPU is not taken for a blocked one: terminating an idle thread would kill its next task.
 */
const patienceMs = 400;

const giveUpMs = 15_000;

function terminateMainTask(log: (s: string) => void): void {
  const inspector = new Session();
  inspector.connectToMainThread();
  inspector.post("Runtime.terminateExecution", (err) => {
    if (err) log(`Runtime.terminateExecution failed: ${err.message}`);
    // A session left open makes Node wait for "the debugger" when the kernel exits.
    inspector.disconnect();
  });
}

export async function interruptMain(s: SharedState, gen: number, tellMain: () => void, log: (s: string) => void): Promise<void> {
  const debug = process.env.LOWRANK_KERNEL_DEBUG ? log : () => {};
  const acked = () => Atomics.load(s.slots, Slot.InterruptAck) >= gen;
  const started = Date.now();
  tellMain();
  let blockedSince = Date.now();
  let tick = Atomics.load(s.slots, Slot.Tick);
  let terminated = false;
  while (!acked() && Date.now() - started < giveUpMs) {
    const phase = Atomics.load(s.slots, Slot.Phase) as Phase;
    const now = Atomics.load(s.slots, Slot.Tick);
    if (phase !== Phase.EventLoop || now !== tick) blockedSince = Date.now();
    tick = now;
    if (phase === Phase.UserSync && Atomics.compareExchange(s.slots, Slot.Phase, Phase.UserSync, Phase.Signalling) === Phase.UserSync) {
      process.kill(process.pid, "SIGINT");
      debug(`interrupt ${gen}: SIGINT into user code at ${Date.now() - started} ms`);
    } else if (phase === Phase.EventLoop && !terminated && Date.now() - blockedSince > patienceMs) {
      terminateMainTask(log);
      terminated = true;
      debug(`interrupt ${gen}: Runtime.terminateExecution at ${Date.now() - started} ms`);
    }
    await sleep(5);
  }
  debug(`interrupt ${gen}: ${acked() ? "acknowledged" : "no answer"} after ${Date.now() - started} ms`);
  if (!acked()) log(`interrupt ${gen}: the main thread did not respond within ${giveUpMs / 1000} s`);
}
