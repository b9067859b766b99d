/**
 * Thin SVD of n × n Gaussian matrices, lowrank-lab's `svd` against numpy.linalg.svd
 * (full_matrices=False, LAPACK gesdd) on the same machine in the same run: best of a few runs
 * each (`bestOf`, bench/timing.py), each side's timed runs in a round after one untimed call (so
 * V8 has compiled the hot loops and numpy has loaded LAPACK). Wall-clock times.
 * The matrices are seeded Gaussians of the same sizes on both sides, not bit-identical copies;
 * the time of gesdd and of our divide-and-conquer hardly depends on the entries.
 *
 * Run directly: `npm run build && node dist/bench/svd.js`, or through `npm run bench`.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { rng } from "../src/compute/rng.js";
import { randomMatrix, svd } from "../src/linalg/index.js";
import { formatTable } from "./format.js";
import { interleaved } from "./python.js";
import { benchRow, type BenchRow, type Timing } from "./row.js";

export interface SvdBenchOptions {
  /** Matrix sizes n (n × n); default [256, 1024]. */
  sizes?: number[];
  /** Timed runs per size at least, the best counting (see `bestOf`); default 3. */
  repeats?: number;
}

/**
 * Times both sides and returns one row per size, numpy timed twice in the same run: with its BLAS
 * threads as installed (what a user gets) and held to one thread. The sides take turns, round by
 * round (`interleaved`), so a slow stretch of the machine slows both. The numpy fields are absent
 * without numpy.
 */
export async function benchSvd(options: SvdBenchOptions = {}): Promise<BenchRow[]> {
  const sizes = options.sizes ?? [256, 1024];
  const repeats = options.repeats ?? 3;
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    const A = randomMatrix(n, n, rng(n));
    // Each round, both sides make one untimed call first (svd_numpy.py in every run, ours through
    // `warmUp`): V8 has then compiled the hot loops, as numpy's LAPACK is compiled ahead of time,
    // and neither side's timed call is the first after the other side's run.
    const { ours, installed, oneThread } = await interleaved<Timing>(repeats, () => svd(A), "bench svd", "svd_numpy.py", { n }, true);
    rows.push(benchRow(`svd ${n}×${n} (vs numpy)`, ours, installed, oneThread));
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.stdout.write(formatTable(await benchSvd()) + "\n");
}
