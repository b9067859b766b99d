import { Worker } from "node:worker_threads";

/**
 * A team of worker threads that run the exported functions of one WebAssembly module on one
 * shared WebAssembly memory, so operands are never copied between threads. A call writes the
 * function's number and integer arguments into the worker's slot of a small SharedArrayBuffer and
 * wakes it with Atomics.notify; the worker counts down a shared counter when it is done. That
 * costs tens of microseconds, where a postMessage round trip through both event loops costs a few
 * hundred and could not be waited for synchronously.
 *
 * The calling thread computes one share itself, so T threads means T - 1 workers. Workers are
 * unref'd (they never keep the process alive) and take work only once they have signalled that
 * they are ready, so no call waits for a worker to boot: until then the caller does it all.
 *
 * pool.ts keeps a team for linalg's kernels; matrix sensing has one for its operator.
 */

const PENDING = 0; // workers still running the current call
const FAILED = 1; // set by a worker whose call threw
const SPIN = 2; // microseconds to poll before sleeping (see the constructor and `spin`)
const MAX_ARGS = 12;
const SLOT = 16; // int32s per worker: [sequence number, ready, function, 12 arguments, padding]

/** One share of a call: the index (into the team's `functions`) of the export to run, and its arguments. */
export type Job = [fn: number, args: number[]];

export class Team {
  private readonly ctl: Int32Array;
  private readonly workers: Worker[] = [];
  /** Calls whose work was shared with a worker so far (for tests). */
  shared = 0;

  /**
   * A team of `size` workers (started now, in the background) running `functions`, exports of
   * `module`, on `memory`. With `spinUs` > 0 a worker that finished a call, and this thread waiting
   * for the workers, first poll for up to that many microseconds before sleeping in Atomics.wait:
   * for calls that come back to back with short gaps, a sleeping thread's wake-up (20–50 µs here)
   * is then not paid on every call. Only for a team whose calls do come that way; polling burns
   * the core, and on a machine whose cores are busy with other work it costs more than it saves.
   */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, functions: readonly string[], size: number, spinUs = 0) {
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * SLOT * (size + 1))); // slot 0: PENDING, FAILED, SPIN
    this.ctl[SPIN] = spinUs;
    for (let i = 0; i < size; i++) {
      const slot = SLOT * (i + 1);
      const w = new Worker(WORKER, { eval: true, workerData: { module, memory, functions, ctl: this.ctl, slot } });
      w.unref();
      w.on("exit", () => Atomics.store(this.ctl, slot + 1, 0)); // never dispatched to again
      w.on("error", () => undefined); // a worker that fails to start is simply never ready
      this.workers.push(w);
    }
  }

  /**
   * Sets how long the team polls before sleeping from now on (see the constructor), so a caller
   * can poll through a burst of small calls and sleep again after it. Returns the previous value.
   */
  spin(us: number): number {
    return Atomics.exchange(this.ctl, SPIN, us);
  }

  /** Indices of the workers that are ready for work. */
  idle(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.workers.length; i++) if (Atomics.load(this.ctl, SLOT * (i + 1) + 1) === 1) out.push(i);
    return out;
  }

  /**
   * Gives worker i the job jobs[i] (none where null or missing), runs `own` on this thread
   * meanwhile, and returns once every worker that got a job has finished it. Throws if one failed.
   */
  run(jobs: (Job | null)[], own: () => void): void {
    const c = this.ctl;
    const given = jobs.filter((j) => j != null).length;
    if (given > 0) this.shared++;
    Atomics.store(c, PENDING, given);
    jobs.forEach((job, i) => {
      if (job == null) return;
      const slot = SLOT * (i + 1);
      const [fn, args] = job;
      c[slot + 2] = fn;
      for (let a = 0; a < args.length && a < MAX_ARGS; a++) c[slot + 3 + a] = args[a];
      Atomics.add(c, slot, 1); // publishes the arguments written above
      Atomics.notify(c, slot);
    });
    try {
      own();
    } finally {
      const spinUs = Atomics.load(c, SPIN);
      if (spinUs > 0 && Atomics.load(c, PENDING) !== 0) {
        const until = performance.now() + spinUs / 1000;
        while (Atomics.load(c, PENDING) !== 0 && performance.now() < until);
      }
      for (let p; (p = Atomics.load(c, PENDING)) !== 0; ) Atomics.wait(c, PENDING, p);
    }
    if (Atomics.exchange(c, FAILED, 0) !== 0) throw new Error("linalg: a worker thread failed in a WebAssembly kernel");
  }

  /**
   * Splits `units` units of work into contiguous shares, one for this thread and one for each
   * ready worker, and runs them: worker shares as `fn` with the arguments `args(first, end)`, this
   * thread's (the first) through `own(args)`. With no worker ready, `own` gets all units.
   */
  split(fn: number, units: number, args: (first: number, end: number) => number[], own: (args: number[]) => void): void {
    const idle = this.idle();
    if (idle.length === 0) return own(args(0, units));
    const parts = shares(units, 1 + idle.length);
    const jobs: (Job | null)[] = [];
    idle.forEach((w, t) => (jobs[w] = [fn, args(...parts[t + 1])]));
    this.run(jobs, () => own(args(...parts[0])));
  }

  /** Stops every worker; the team must not be used afterwards. */
  terminate(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}

/**
 * Splits `units` units of work into `parts` contiguous ranges of nearly equal size, as
 * [first, end) pairs: every unit in exactly one range, in order.
 */
function shares(units: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, t) => [Math.floor((units * t) / parts), Math.floor((units * (t + 1)) / parts)]);
}

/**
 * The worker, as source (so it runs the same from dist/ and from TypeScript under test): wait for
 * its sequence number to move, run the function named in its slot with the arguments there, count
 * down.
 */
const WORKER = `
const { workerData } = require("node:worker_threads");
const { module, memory, functions, ctl, slot } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = functions.map((name) => exports[name]);
let seen = Atomics.load(ctl, slot);
Atomics.store(ctl, slot + 1, 1);
for (;;) {
  const spinUs = Atomics.load(ctl, ${SPIN});
  if (spinUs > 0) {
    const until = performance.now() + spinUs / 1000;
    while (Atomics.load(ctl, slot) === seen && performance.now() < until);
  }
  Atomics.wait(ctl, slot, seen);
  const seq = Atomics.load(ctl, slot);
  if (seq === seen) continue;
  seen = seq;
  const a = slot + 3;
  try {
    fns[ctl[slot + 2]](ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9], ctl[a + 10], ctl[a + 11]);
  } catch {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
}
`;
