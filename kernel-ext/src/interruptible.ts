/**
 * Runs a user callback (a comm handler, a display method) so that a SIGINT stops it the way it
 * stops a cell: Node's vm watchdog (`breakOnSigint`) only guards code that vm itself runs, so
 * the call is made from a one-line script, and the Phase tells the socket thread to signal.
 */
import vm from "node:vm";
import { inPhase, Phase, type SharedState } from "./shared.js";

const slot = Symbol.for("lowrank-lab.kernel.call");
const script = new vm.Script(`globalThis[Symbol.for("lowrank-lab.kernel.call")]()`, { filename: "lowrank-lab-kernel-call" });

export function interruptibleCall(shared: SharedState): <T>(fn: () => T) => T {
  return <T>(fn: () => T): T => {
    const g = globalThis as Record<symbol, unknown>;
    const previous = g[slot];
    g[slot] = fn;
    try {
      return inPhase(shared, Phase.UserSync, () => script.runInThisContext({ breakOnSigint: true }) as T);
    } finally {
      g[slot] = previous;
    }
  };
}
