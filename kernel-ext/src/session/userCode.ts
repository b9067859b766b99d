/**
 * Brackets user code run inside vm (a cell's synchronous part, comm callbacks, display
 * methods) with enter/leave calls made from inside the vm, so Phase.UserSync means "the vm
 * watchdog is on" (see wire/shared.ts). leave() swaps UserSync back; if the socket thread has claimed
 * it (Signalling), the SIGINT is on its way, and leave() spins until it arrives and the watchdog
 * ends the script, rather than step out of the vm into the window where a signal kills Node.
 */
import vm from "node:vm";
import { Phase, Slot, type SharedState } from "../wire/shared.js";

const key = Symbol.for("lowrank-lab.kernel.user");
const hooks = `globalThis[Symbol.for("lowrank-lab.kernel.user")]`;

interface Hooks {
  enter(): void;
  leave(): void;
  /** Phases to restore, one per vm entered; an interrupted script leaves its entry behind. */
  outer: Phase[];
  fn?: () => unknown;
}

function hooksObject(): Hooks {
  return (globalThis as Record<symbol, Hooks>)[key];
}

/**
 * Puts the phase and the hooks' stack back after user code ran (or was stopped) inside vm:
 * an interrupted script never reached its leave().
 */
export function afterUserCode(shared: SharedState, phase: Phase, depth: number): void {
  hooksObject().outer.length = depth;
  Atomics.store(shared.slots, Slot.Phase, phase === Phase.Signalling ? Phase.UserSync : phase);
}

export function userCodeDepth(): number {
  return hooksObject().outer.length;
}

export function installUserCodeHooks(shared: SharedState): void {
  const s = shared.slots;
  const outer: Phase[] = [];
  const hooks: Hooks = {
    outer,
    enter() {
      const before = Atomics.load(s, Slot.Phase) as Phase;
      outer.push(before === Phase.Signalling ? Phase.UserSync : before);
      if (before !== Phase.Signalling) Atomics.store(s, Slot.Phase, Phase.UserSync);
    },
    leave() {
      const restore = outer.pop() ?? Phase.EventLoop;
      while (Atomics.compareExchange(s, Slot.Phase, Phase.UserSync, restore) === Phase.Signalling) {
        // A SIGINT is on its way: wait here, inside the vm, for the watchdog to end this script.
      }
    },
  };
  (globalThis as Record<symbol, unknown>)[key] = hooks;
}

/**
 * Wraps the body tslab compiles a cell to (the executor puts it inside a function) so that its
 * synchronous part runs between enter() and leave(). On the first line, so line numbers in
 * stack traces stay those of the cell.
 */
export function bracketCell(body: string, isAsync: boolean): string {
  return `${hooks}.enter(); try { return (${isAsync ? "async " : ""}function (exports, require) { ${body}\n}).call(this, exports, require); } finally { ${hooks}.leave(); }`;
}

const script = new vm.Script(`${hooks}.enter(); try { ${hooks}.fn(); } finally { ${hooks}.leave(); }`, { filename: "lowrank-lab-kernel" });

/** Calls a user callback from kernel code so that an interrupt stops it as it stops a cell. */
export function userCall(shared: SharedState): <T>(fn: () => T) => T {
  return <T>(fn: () => T): T => {
    const h = hooksObject();
    const before = Atomics.load(shared.slots, Slot.Phase) as Phase;
    const depth = h.outer.length;
    const previous = h.fn;
    let result: T | undefined;
    h.fn = () => (result = fn());
    try {
      script.runInThisContext({ breakOnSigint: true });
      return result as T;
    } finally {
      h.fn = previous;
      afterUserCode(shared, before, depth);
    }
  };
}
