/**
 * One line of `npm run bench`: our time beside the reference's (numpy or PyTorch) for the same
 * work, the reference timed twice in the same run: as installed (BLAS/OpenMP/PyTorch with every
 * thread they take by default, what a user gets) and held to one thread.
 */
export interface BenchRow {
  name: string;
  /** Our wall-clock ms (per run or per step, as the name says). */
  oursMs: number;
  /** The reference's wall-clock ms as installed (all its threads); absent when its Python package is missing. */
  refMs?: number;
  /** oursMs / refMs: below 1 means lowrank-lab is faster than the reference as a user runs it. */
  ratio?: number;
  /** The reference's wall-clock ms on one thread (OPENBLAS/OMP/MKL_NUM_THREADS=1, torch.set_num_threads(1)). */
  refOneThreadMs?: number;
  /** oursMs / refOneThreadMs: code against code, one core each. */
  ratioOneThread?: number;
  /** CPU ms of the same runs: steadier than wall time on a machine shared with other work. */
  oursCpuMs?: number;
  refCpuMs?: number;
  refOneThreadCpuMs?: number;
  /** oursCpuMs / refOneThreadCpuMs: the one-thread comparison in CPU time (no CPU ratio is given against all threads, whose CPU time adds up every thread). */
  ratioOneThreadCpu?: number;
}

/** A time measured on one side: wall-clock ms and, where measured, CPU ms. */
export interface Timing {
  ms: number;
  cpuMs?: number;
}

/**
 * The row for `name` from our timing and the reference's, as installed and on one thread (either
 * absent when that run did not happen); ratios are filled in wherever both sides are there.
 */
export function benchRow(name: string, ours: Timing, installed?: Timing, oneThread?: Timing): BenchRow {
  const row: BenchRow = { name, oursMs: ours.ms };
  if (installed) Object.assign(row, { refMs: installed.ms, ratio: ours.ms / installed.ms });
  if (oneThread) Object.assign(row, { refOneThreadMs: oneThread.ms, ratioOneThread: ours.ms / oneThread.ms });
  if (ours.cpuMs !== undefined) row.oursCpuMs = ours.cpuMs;
  if (installed?.cpuMs !== undefined) row.refCpuMs = installed.cpuMs;
  if (oneThread?.cpuMs !== undefined) {
    row.refOneThreadCpuMs = oneThread.cpuMs;
    if (ours.cpuMs !== undefined) row.ratioOneThreadCpu = ours.cpuMs / oneThread.cpuMs;
  }
  return row;
}

/** b, with the faster wall and the faster CPU time of a and b (each its own minimum); b alone without a. */
export function fasterOf<T extends Timing>(a: T | undefined, b: T): T {
  return a === undefined ? b : { ...b, ms: Math.min(a.ms, b.ms), cpuMs: Math.min(a.cpuMs ?? Infinity, b.cpuMs ?? Infinity) };
}

/** Short work runs more often than `repeats`: until its runs add up to this many ms … */
const MIN_TOTAL_MS = 500;
/** … but never more than this many times. */
const MAX_RUNS = 30;

/**
 * The best wall ms and the best CPU ms (each its own minimum) of at least `repeats` calls of
 * `work`, awaited in turn, and of more for short work: until the calls add up to MIN_TOTAL_MS (at
 * most MAX_RUNS calls). Noise on a shared machine only ever adds time, so the minimum is the
 * steadiest estimate of what the code costs, and three calls of a 10 ms head are too few to find
 * it here. bench/timing.py times every reference by the same rule, so both sides of a row get it.
 */
export async function bestOf(repeats: number, work: () => unknown): Promise<Required<Timing>> {
  let ms = Infinity, cpuMs = Infinity, total = 0;
  for (let runs = 0; runs < Math.max(1, repeats) || (total < MIN_TOTAL_MS && runs < MAX_RUNS); runs++) {
    const wall = performance.now(), start = process.cpuUsage();
    await work();
    const took = performance.now() - wall;
    const used = process.cpuUsage(start);
    ms = Math.min(ms, took);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
    total += took;
  }
  return { ms, cpuMs };
}
