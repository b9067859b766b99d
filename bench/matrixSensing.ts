/**
 * matrix-sensing `paper` preset: our float64 GD loop against numpy doing the same work
 * (bench/matrix_sensing_numpy.py: same sizes, variants, T, recording and one-step re-factoring).
 * numpy runs twice in the same run: as installed (all its BLAS threads, `ratio`) and on one thread
 * (OPENBLAS/OMP/MKL_NUM_THREADS=1, `ratioOneThread`), which compares code rather than core counts
 * while our loop is single-threaded. Run directly: `npx tsx bench/matrixSensing.ts`.
 */
import { createRunContext } from "../src/experiments/context.js";
import { pathToFileURL } from "node:url";
import { resolveParams } from "../src/experiments/schema.js";
import { matrixSensing } from "../src/experiments/matrix-sensing/index.js";
import type { MatrixSensingParams } from "../src/experiments/matrix-sensing/params.js";
import { runReference } from "./python.js";
import { benchRow, type BenchRow } from "./row.js";

export async function benchMatrixSensing(preset = "paper"): Promise<BenchRow[]> {
  const p = resolveParams<MatrixSensingParams>(matrixSensing.name, matrixSensing.params, matrixSensing.presets[preset]);
  const seed = 0;
  const start = performance.now(), cpu = process.cpuUsage();
  await matrixSensing.run(p, createRunContext({ seed }));
  const oursMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const oursCpuMs = (used.user + used.system) / 1000;
  // numpy's wall and CPU ms for the same work; absent (with a note on stderr) when python3/numpy is missing.
  const numpy = runReference<{ ms: number; cpuMs: number }>("matrix-sensing bench", "matrix_sensing_numpy.py", { ...p, seed });
  const variants = 3 + 2 * p.alphas.length;
  return [benchRow(`matrix-sensing ${preset} (${variants}×${p.T} GD steps)`, { ms: oursMs, cpuMs: oursCpuMs }, numpy.installed, numpy.oneThread)];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const preset = process.argv[2] ?? "paper";
  process.stdout.write(JSON.stringify(await benchMatrixSensing(preset), null, 2) + "\n");
}
