/**
 * double-descent model-wise sweep (ReLU features on MNIST, min-norm least squares at every grid
 * point N/n of the default grid): ours, one row-appended QR pass per sweep, against numpy solving
 * each grid point with np.linalg.lstsq (bench/double_descent_numpy.py, same sizes and grid).
 * numpy runs single-threaded (OPENBLAS/OMP/MKL_NUM_THREADS=1) because our solver does: the ratio
 * compares code, not core counts. Both sides are timed in CPU time, not wall time, because the
 * machines this runs on are often shared and wall time then measures the neighbours.
 * Run directly: `npx tsx bench/doubleDescent.ts [n]`.
 */
import { createRunContext } from "../src/experiments/context.js";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { resolveParams } from "../src/experiments/schema.js";
import { doubleDescent } from "../src/experiments/double-descent/index.js";
import { loadDigits } from "../src/experiments/double-descent/data.js";
import type { DoubleDescentParams } from "../src/experiments/double-descent/params.js";
import { runPythonJson } from "./python.js";
import type { BenchRow } from "./row.js";

function timeNumpy(p: DoubleDescentParams, seed: number): number | undefined {
  const digits = `${dirname(createRequire(import.meta.url).resolve("mnist"))}/digits`;
  const args = { n: p.n, m: p.m, ratios: p.ratios, seed, digits };
  return runPythonJson<{ ms: number }>("double-descent bench", "double_descent_numpy.py", args)?.ms;
}

export async function benchDoubleDescent(n = 500): Promise<BenchRow[]> {
  const p = resolveParams<DoubleDescentParams>(doubleDescent.name, doubleDescent.params, doubleDescent.presets.paper, { probe: "model-wise", features: "relu", n, m: 500 });
  const seed = 0;
  loadDigits(); // parsing the package's JSON is not part of the sweep (numpy's load is not timed either)
  const start = process.cpuUsage();
  await doubleDescent.run(p, createRunContext({ seed }));
  const used = process.cpuUsage(start);
  const oursMs = (used.user + used.system) / 1000;
  const numpyMs = timeNumpy(p, seed);
  const name = `double-descent model-wise n=${n} (${p.ratios.length} N, CPU ms)`;
  return [numpyMs === undefined ? { name, oursMs } : { name, oursMs, numpyMs, ratio: oursMs / numpyMs }];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(await benchDoubleDescent(Number(process.argv[2] ?? 500)), null, 2) + "\n");
}
