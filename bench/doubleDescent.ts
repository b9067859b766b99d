/**
 * double-descent model-wise sweep (ReLU features on MNIST, min-norm least squares at every grid
 * point N/n of the default grid): ours, one row-appended QR pass per sweep, against numpy solving
 * each grid point with np.linalg.lstsq (bench/double_descent_numpy.py, same sizes and grid).
 * numpy runs twice: as installed (all its BLAS threads, `ratio`) and on one thread
 * (OPENBLAS/OMP/MKL_NUM_THREADS=1, `ratioOneThread`, code against code). Ratios are of wall
 * time; CPU time is reported beside it (and the one-thread ratio in CPU time), because the
 * machines this runs on are often shared and wall time then measures the neighbours too. Each side's time is the best of `repeats` whole sweeps, the sides
 * taking turns (`interleaved`).
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
import { interleaved } from "./python.js";
import { benchRow, type BenchRow, type Timing } from "./row.js";

export async function benchDoubleDescent(n = 500, repeats = 3): Promise<BenchRow[]> {
  const p = resolveParams<DoubleDescentParams>(doubleDescent.name, doubleDescent.params, doubleDescent.presets.paper, { probe: "model-wise", features: "relu", n, m: 500 });
  const seed = 0;
  loadDigits(); // parsing the package's JSON is not part of the sweep (numpy's load is not timed either)
  const digits = `${dirname(createRequire(import.meta.url).resolve("mnist"))}/digits`;
  const args = { n: p.n, m: p.m, ratios: p.ratios, seed, digits };
  const { ours, installed, oneThread } = await interleaved<Timing>(repeats, () => doubleDescent.run(p, createRunContext({ seed })), "double-descent bench", "double_descent_numpy.py", args);
  const name = `double-descent model-wise n=${n} (${p.ratios.length} N)`;
  return [benchRow(name, ours, installed, oneThread)];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(await benchDoubleDescent(Number(process.argv[2] ?? 500)), null, 2) + "\n");
}
