/**
 * stdout and stderr of the kernel process become `stream` messages on iopub, parented to the
 * request whose code wrote them (console.log, process.stdout.write, child output piped through).
 * The kernel's own log goes to file descriptor 2 directly (wire/transport.ts `log`).
 */
import type { Kernel } from "./kernel.js";

const decoder = new TextDecoder();

export function redirectStreams(k: Kernel): void {
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      const text = typeof chunk === "string" ? chunk : decoder.decode(chunk);
      if (text !== "") k.publish("stream", { name, text });
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") queueMicrotask(() => done());
      return true;
    }) as typeof stream.write;
  }
}
