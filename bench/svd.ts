/**
 * Thin SVD of n × n Gaussian matrices, lowrank-lab's `svd` (single-threaded) against
 * numpy.linalg.svd (full_matrices=False, LAPACK gesdd) on the same machine in the same run: best
 * of a few runs each, after one warm-up call (so V8 has compiled the hot loops and numpy has
 * loaded LAPACK). Wall-clock times.
 * The matrices are seeded Gaussians of the same sizes on both sides, not bit-identical copies;
 * the time of gesdd and of our divide-and-conquer hardly depends on the entries.
 *
 * Run directly: `npm run build && node dist/bench/svd.js`, or through `npm run bench`.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { rng } from "../src/compute/rng.js";
import { randomMatrix, svd } from "../src/linalg/index.js";
import { runPythonJson } from "./python.js";
import type { BenchRow } from "./row.js";

export interface SvdBenchOptions {
  /** Matrix sizes n (n × n); default [256, 1024]. */
  sizes?: number[];
  /** Timed runs per size, the best counts; default 5 below n = 512, else 3. */
  repeats?: (n: number) => number;
}

/**
 * Times both sides and returns two rows per size: against numpy with its BLAS threads as
 * installed (what a user gets), and against numpy held to one thread, like our code. The second
 * is the like-for-like one, and the stabler one on a busy machine, where spinning BLAS threads
 * slow numpy down more than anything else. numpyMs and ratio are absent without numpy.
 */
export async function benchSvd(options: SvdBenchOptions = {}): Promise<BenchRow[]> {
  const sizes = options.sizes ?? [256, 1024];
  const repeats = options.repeats ?? ((n: number) => (n < 512 ? 5 : 3));
  const ours = sizes.map((n) => timeOurs(n, repeats(n)));
  const most = Math.max(...sizes.map(repeats));
  const rows: BenchRow[] = [];
  for (const [label, oneThread] of [["numpy as installed", false], ["numpy on 1 thread", true]] as const) {
    const numpy = runPythonJson<{ ms: Record<string, number> }>(`bench svd vs ${label}`, "svd_numpy.py", { sizes, repeats: most }, undefined, oneThread);
    for (const [i, n] of sizes.entries()) {
      const row: BenchRow = { name: `svd ${n}×${n} vs ${label}`, oursMs: ours[i] };
      const ms = numpy?.ms[String(n)];
      if (ms !== undefined) {
        row.numpyMs = ms;
        row.ratio = ours[i] / ms;
      }
      rows.push(row);
    }
  }
  return rows;
}

function timeOurs(n: number, repeats: number): number {
  const A = randomMatrix(n, n, rng(n));
  svd(A); // warm-up: let V8 optimise the kernels first, as numpy's LAPACK is compiled ahead of time
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    svd(A);
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/** The table `node dist/bench/svd.js` prints. */
export function formatSvdBench(rows: BenchRow[]): string {
  const fmt = (x: number | undefined, digits = 1) => (x === undefined ? "—" : x.toFixed(digits));
  const lines = [`${"benchmark".padEnd(40)}${"ours ms".padStart(10)}${"numpy ms".padStart(10)}${"ours/numpy".padStart(12)}`];
  for (const r of rows) {
    lines.push(`${r.name.padEnd(40)}${fmt(r.oursMs).padStart(10)}${fmt(r.numpyMs).padStart(10)}${(r.ratio === undefined ? "—" : fmt(r.ratio, 2) + "×").padStart(12)}`);
  }
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.stdout.write(formatSvdBench(await benchSvd()) + "\n");
}
