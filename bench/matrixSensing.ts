/**
 * matrix-sensing `paper` preset: our float64 GD loop against numpy doing the same work
 * (bench/matrix_sensing_numpy.py: same sizes, variants, T, recording and one-step re-factoring).
 * numpy runs single-threaded (OPENBLAS/OMP/MKL_NUM_THREADS=1) because our loop is: the ratio
 * then compares code, not core counts. Run directly: `npx tsx bench/matrixSensing.ts`.
 */
import { createRunContext } from "../src/experiments/context.js";
import { pathToFileURL } from "node:url";
import { resolveParams } from "../src/experiments/schema.js";
import { matrixSensing } from "../src/experiments/matrix-sensing/index.js";
import type { MatrixSensingParams } from "../src/experiments/matrix-sensing/params.js";
import { runPythonJson } from "./python.js";
import type { BenchRow } from "./row.js";

/** numpy's wall and CPU ms for the same work, or undefined (with a note on stderr) when python3/numpy is missing. */
function timeNumpy(p: MatrixSensingParams, seed: number): { ms: number; cpuMs: number } | undefined {
  return runPythonJson<{ ms: number; cpuMs: number }>("matrix-sensing bench", "matrix_sensing_numpy.py", { ...p, seed });
}

export async function benchMatrixSensing(preset = "paper"): Promise<BenchRow[]> {
  const p = resolveParams<MatrixSensingParams>(matrixSensing.name, matrixSensing.params, matrixSensing.presets[preset]);
  const seed = 0;
  const start = performance.now(), cpu = process.cpuUsage();
  await matrixSensing.run(p, createRunContext({ seed }));
  const oursMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const oursCpuMs = (used.user + used.system) / 1000;
  const numpy = timeNumpy(p, seed);
  const variants = 3 + 2 * p.alphas.length;
  const name = `matrix-sensing ${preset} (${variants}×${p.T} GD steps)`;
  if (!numpy) return [{ name, oursMs, oursCpuMs }];
  return [{ name, oursMs, numpyMs: numpy.ms, ratio: oursMs / numpy.ms, oursCpuMs, numpyCpuMs: numpy.cpuMs }];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const preset = process.argv[2] ?? "paper";
  process.stdout.write(JSON.stringify(await benchMatrixSensing(preset), null, 2) + "\n");
}
