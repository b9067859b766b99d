import { Worker } from "node:worker_threads";
import { MR, NR, _onSharedMemory, _sharedKernels, _threads, type Kernels } from "./kernels.js";

/**
 * The product kernel on several threads. Every worker instantiates the kernels' module against
 * the one shared WebAssembly memory (kernels.ts), so operands are never copied between threads:
 * a call writes the kernel's ten integer arguments into the worker's slot of a small
 * SharedArrayBuffer and wakes it with Atomics.notify, and the worker counts down a shared counter
 * when it is done. That costs tens of microseconds, where a postMessage round trip through both
 * event loops costs a few hundred and could not be waited for synchronously.
 *
 * The calling thread computes one share itself, so T threads means T - 1 workers. Workers start
 * on the first product large enough to split, are unref'd (they never keep the process alive),
 * and are used only once they have signalled that they are ready, so no call waits for a worker
 * to boot.
 *
 * Shares are whole MR-row blocks or whole NR-column strips, and the kernel computes every entry
 * of C from its own row of A and column of B in a fixed order, so the result is bit-identical
 * for any thread count.
 */

/**
 * Below this many multiply-adds a panel runs on the calling thread alone. Waking a worker and
 * waiting for it measured 15–27 µs a round trip here (2 cores, busy); one thread does ~9 G
 * multiply-adds/s, so a 2^20 panel takes ~120 µs alone, and halving it saves twice the wake cost.
 * Timings on the busy 2-core machine were too noisy to place the crossover more precisely.
 */
const MIN_SPLIT = 1 << 20;

const PENDING = 0; // workers still running the current call
const FAILED = 1; // set by a worker whose call threw
const SLOT = 16; // int32s per worker: [sequence number, ready, 10 arguments, padding]
const MAX_WORKERS = 1023; // LOWRANK_THREADS is at most 999

let ctl: Int32Array | undefined;
const workers: Worker[] = [];
let shared = 0;

// kernels.ts replaces a memory that grew large once it is idle. Workers on the old one are
// retired rather than rebound: an idle worker's isolate never collects garbage, so it would keep
// the old memory alive. Fresh workers start on the next large product.
_onSharedMemory(() => {
  for (const w of workers) void w.terminate();
  workers.length = 0;
  ctl = undefined;
});

/**
 * K.panel(pA, lda, pB, pC, ldc, mp, ns, kc, bRow, bStrip) (see Kernels), split across the
 * threads when it is large enough: by row blocks when C has at least as many rows as columns
 * (each thread then reads its own rows of A and all of B), else by column strips.
 */
export function _panel(K: Kernels, pA: number, lda: number, pB: number, pC: number, ldc: number, mp: number, ns: number, kc: number, bRow: number, bStrip: number): void {
  const T = _threads();
  const sk = T > 1 && mp * ns * NR * kc >= MIN_SPLIT ? _sharedKernels() : null;
  if (sk === null) return K.panel(pA, lda, pB, pC, ldc, mp, ns, kc, bRow, bStrip);
  while (workers.length < T - 1) start(sk.module, sk.memory);
  const idle: number[] = [];
  for (let i = 0; i < T - 1; i++) if (ready(i)) idle.push(i);
  if (idle.length === 0) return K.panel(pA, lda, pB, pC, ldc, mp, ns, kc, bRow, bStrip); // none has booted yet
  shared++;
  const n = 1 + idle.length;
  const byRows = mp >= ns * NR;
  const units = byRows ? mp / MR : ns;
  const share = (t: number): number[] => {
    const u0 = Math.floor((units * t) / n), u1 = Math.floor((units * (t + 1)) / n);
    return byRows
      ? [pA + u0 * MR * lda, lda, pB, pC + u0 * MR * ldc, ldc, (u1 - u0) * MR, ns, kc, bRow, bStrip]
      : [pA, lda, pB + u0 * bStrip, pC + u0 * 8 * NR, ldc, mp, u1 - u0, kc, bRow, bStrip];
  };
  const jobs: (number[] | null)[] = workers.map(() => null);
  idle.forEach((w, t) => (jobs[w] = share(t + 1)));
  dispatch(jobs, () => {
    const [a, b, c, d, e, f, g, h, i, j] = share(0);
    K.panel(a, b, c, d, e, f, g, h, i, j);
  });
}

/** Starts one more worker on the kernels' module and shared memory. */
function start(module: WebAssembly.Module, memory: WebAssembly.Memory): void {
  ctl ??= new Int32Array(new SharedArrayBuffer(4 * SLOT * (MAX_WORKERS + 1))); // slot 0: PENDING, FAILED
  const c = ctl, slot = SLOT * (workers.length + 1);
  const w = new Worker(WORKER, { eval: true, workerData: { module, memory, ctl: c, slot } });
  w.unref();
  w.on("exit", () => Atomics.store(c, slot + 1, 0)); // never dispatched to again
  w.on("error", () => undefined); // a worker that fails to start is simply never ready
  workers.push(w);
}

/** Workers started and ready, and panels shared with them so far (for tests). */
export function _poolStats(): { ready: number; shared: number } {
  return { ready: workers.filter((_, i) => ready(i)).length, shared };
}

function ready(i: number): boolean {
  return Atomics.load(ctl!, SLOT * (i + 1) + 1) === 1;
}

/**
 * Gives worker i the arguments jobs[i] (none where null), runs `own` on this thread meanwhile,
 * and waits until every worker that got a job has finished it.
 */
function dispatch(jobs: (number[] | null)[], own: () => void): void {
  const c = ctl!;
  Atomics.store(c, PENDING, jobs.filter((j) => j !== null).length);
  jobs.forEach((args, i) => {
    if (args === null) return;
    const slot = SLOT * (i + 1);
    for (let a = 0; a < 10; a++) c[slot + 2 + a] = args[a];
    Atomics.add(c, slot, 1); // publishes the arguments written above
    Atomics.notify(c, slot);
  });
  try {
    own();
  } finally {
    for (let p; (p = Atomics.load(c, PENDING)) !== 0; ) Atomics.wait(c, PENDING, p);
  }
  if (Atomics.exchange(c, FAILED, 0) !== 0) throw new Error("linalg: a worker thread failed in the product kernel");
}

/**
 * The worker, as source (so it runs the same from dist/ and from TypeScript under test): wait
 * for its sequence number to move, run the panel with the arguments in its slot, count down.
 */
const WORKER = `
const { workerData } = require("node:worker_threads");
const { module, memory, ctl, slot } = workerData;
const panel = new WebAssembly.Instance(module, { env: { memory } }).exports.panel;
let seen = Atomics.load(ctl, slot);
Atomics.store(ctl, slot + 1, 1);
for (;;) {
  Atomics.wait(ctl, slot, seen);
  const seq = Atomics.load(ctl, slot);
  if (seq === seen) continue;
  seen = seq;
  const a = slot + 2;
  try {
    panel(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9]);
  } catch {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
}
`;
