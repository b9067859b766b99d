/**
 * Where transient displays (progress bars) go while some code runs. `interact` re-runs its
 * function long after the cell that made it finished, so a bar there has no cell to live in;
 * it runs the function inside `withSink`, and the bar shows under the previous result in
 * the interact's own Output. AsyncLocalStorage carries the sink through every await.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { MimeBundle } from "./bridge.js";

/** Shows one frame; `final` marks the last frame of a bar. */
export type DisplaySink = (bundle: MimeBundle, final: boolean) => void;

const storage = new AsyncLocalStorage<() => DisplaySink>();

/** Runs `fn` with `makeSink` supplying a fresh sink for each bar started inside it. */
export function withSink<T>(makeSink: () => DisplaySink, fn: () => T): T {
  return storage.run(makeSink, fn);
}

/** A new sink from the innermost `withSink`, if any. */
export function currentSink(): DisplaySink | undefined {
  return storage.getStore()?.();
}
