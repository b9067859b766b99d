import { availableParallelism } from "node:os";
import { UsageError } from "./usageError.js";

let threads: number | undefined;
let fromEnv = false; // whether LOWRANK_THREADS gave the count

/**
 * Threads for compute-heavy work (linalg's product kernel, tfjs's WebAssembly backend):
 * LOWRANK_THREADS, a whole number from 1 to 999, else os.availableParallelism(). 1 means no
 * worker threads at all. Read once per process; a malformed value is a UsageError.
 */
export function threadCount(): number {
  if (threads === undefined) {
    const v = process.env.LOWRANK_THREADS?.trim();
    if (v === undefined || v === "") threads = availableParallelism();
    else if (/^[1-9][0-9]{0,2}$/.test(v)) {
      threads = Number(v);
      fromEnv = true;
    }
    else throw new UsageError(`LOWRANK_THREADS=${v} is not allowed: give a whole number of threads from 1 to 999 (default: the number of cores)`);
  }
  return threads;
}

/**
 * Threads for tfjs's WebAssembly backend: LOWRANK_THREADS when it is set, else 1. Unlike linalg's
 * kernel it does not default to every core: on a 2-core machine busy with other work, two threads
 * made a small training step slower (and cost more CPU) while a 1024² product gained ~12%
 * (bench/tfjsThreads.ts; README, Threads).
 */
export function wasmThreadCount(): number {
  const n = threadCount();
  return fromEnv ? n : 1;
}
