/**
 * The RunContext every experiment receives. `checkpoint` is the one way a long loop yields,
 * reports progress and honours an interrupt, so all experiments behave the same under a
 * progress bar, an `interact` slider that supersedes a run, or a kernel interrupt.
 */
import { rng } from "../compute/rng.js";
import type { ProgressFn, RunContext } from "./types.js";

const YIELD_EVERY_MS = 50;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The error an aborted run throws: the signal's reason when it has one. */
export function abortError(signal: AbortSignal, what = "run"): unknown {
  return signal.reason ?? new DOMException(`${what} aborted`, "AbortError");
}

/** Throws if `signal` was aborted; for the few places that check without a checkpoint. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw abortError(signal, what);
}

export function createRunContext(options: { seed: number; progress?: ProgressFn; signal?: AbortSignal }): RunContext {
  const progress = options.progress ?? (() => {});
  const signal = options.signal;
  let lastPercent = -1;
  let lastTotal = -1;
  let lastYield = performance.now();
  return {
    seed: options.seed,
    rng: rng(options.seed),
    progress,
    signal,
    async checkpoint(done, total, label) {
      throwIfAborted(signal);
      const percent = total > 0 ? Math.floor((100 * done) / total) : 0;
      if (percent !== lastPercent || total !== lastTotal || done === total) {
        lastPercent = percent;
        lastTotal = total;
        progress(done, total, label);
      }
      const now = performance.now();
      if (now - lastYield >= YIELD_EVERY_MS) {
        lastYield = now;
        await yieldToEventLoop();
        throwIfAborted(signal);
      }
    },
  };
}
