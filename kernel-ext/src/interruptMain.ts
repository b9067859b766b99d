/**
 * How the socket thread stops whatever holds the main thread, for an interrupt_request.
 *
 * Node offers one way into a busy thread that leaves it alive: a SIGINT while code runs under
 * `vm` with `breakOnSigint` (the cell's synchronous part, comm callbacks) throws inside that
 * code, and a SIGINT between tasks reaches the main thread's listener, which rejects a pending
 * top-level await. What remains is code blocked outside the vm watchdog, e.g. a loop after an
 * `await` or in a timer; there the inspector's Runtime.terminateExecution ends the running task
 * (the main thread's event loop then runs the SIGINT listener). Shared-memory Phase and
 * InterruptAck slots tell this thread which case it is in and when the main thread has acted.
 */
import { Session } from "node:inspector";
import { Phase, Slot, type SharedState } from "./shared.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long the main thread gets to answer a signal before the next step. */
const patienceMs = 300;
const giveUpMs = 15_000;

let inspector: Session | undefined;
function terminateMainTask(log: (s: string) => void): void {
  if (!inspector) {
    inspector = new Session();
    inspector.connectToMainThread();
  }
  inspector.post("Runtime.terminateExecution", (err) => {
    if (err) log(`Runtime.terminateExecution failed: ${err.message}`);
  });
}

export async function interruptMain(s: SharedState, gen: number, log: (s: string) => void): Promise<void> {
  const acked = () => Atomics.load(s.slots, Slot.InterruptAck) >= gen;
  const started = Date.now();
  let signalledAt = 0;
  let terminated = false;
  while (!acked() && Date.now() - started < giveUpMs) {
    const phase = Atomics.load(s.slots, Slot.Phase) as Phase;
    const waited = Date.now() - signalledAt;
    if (phase === Phase.KernelWork) {
      // Compiling: a signal now would land in the listener, not in the vm about to run the cell.
    } else if (signalledAt === 0) {
      process.kill(process.pid, "SIGINT");
      signalledAt = Date.now();
    } else if (phase === Phase.UserSync && waited > patienceMs) {
      // The signal raced the start of the vm watchdog; send another.
      process.kill(process.pid, "SIGINT");
      signalledAt = Date.now();
    } else if (phase === Phase.EventLoop && waited > patienceMs && !terminated) {
      terminateMainTask(log);
      terminated = true;
    }
    await sleep(10);
  }
  if (!acked()) log(`interrupt ${gen}: the main thread did not respond within ${giveUpMs / 1000} s`);
}
