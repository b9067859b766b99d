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
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rng } from "../src/compute/rng.js";
import { randomMatrix, svd } from "../src/linalg/index.js";
import type { BenchRow } from "./row.js";

export interface SvdBenchOptions {
  /** Matrix sizes n (n × n); default [256, 1024]. */
  sizes?: number[];
  /** Timed runs per size, the best counts; default 5 below n = 512, else 3. */
  repeats?: (n: number) => number;
  /** Where to print notes (numpy missing, …); default stderr. */
  log?: (line: string) => void;
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
  const log = options.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const ours = sizes.map((n) => timeOurs(n, repeats(n)));
  const most = Math.max(...sizes.map(repeats));
  const rows: BenchRow[] = [];
  for (const [label, threads] of [["numpy as installed", undefined], ["numpy on 1 thread", "1"]] as const) {
    const numpy = timeNumpy(sizes, most, threads);
    if ("error" in numpy) log(`bench svd: no comparison with ${label} (${numpy.error})`);
    for (const [i, n] of sizes.entries()) {
      const row: BenchRow = { name: `svd ${n}×${n} vs ${label}`, oursMs: ours[i] };
      const ms = "error" in numpy ? undefined : numpy.ms[String(n)];
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

function timeNumpy(sizes: number[], repeats: number, threads?: string): { ms: Record<string, number> } | { error: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  // bench/svd.ts sits beside the script; dist/bench/svd.js two levels below the package root
  const script = [resolve(here, "svd_numpy.py"), resolve(here, "../../bench/svd_numpy.py")].find((p) => existsSync(p));
  if (!script) return { error: "bench/svd_numpy.py not found" };
  // BLAS libraries read their thread count once, at load: set it in the child's environment
  const env = threads ? { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads } : process.env;
  const run = spawnSync("python3", [script, sizes.join(","), String(repeats)], { encoding: "utf8", timeout: 600_000, env });
  if (run.error) return { error: `python3 could not start: ${run.error.message}` };
  if (run.status !== 0) return { error: `python3 exited with ${run.status}: ${run.stderr.trim().split("\n").pop()}` };
  try {
    return JSON.parse(run.stdout) as { ms: Record<string, number> } | { error: string };
  } catch {
    return { error: `unreadable output from svd_numpy.py: ${run.stdout.slice(0, 200)}` };
  }
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
