/**
 * matrix-sensing `paper` preset: our float64 GD loop against numpy doing the same work
 * (bench/matrix_sensing_numpy.py: same sizes, variants, T, recording and one-step re-factoring).
 * numpy runs twice in the same run: as installed (all its BLAS threads, `ratio`) and on one thread
 * (OPENBLAS/OMP/MKL_NUM_THREADS=1, `ratioOneThread`, code against code). Each side's time is the
 * best of `repeats` whole runs, the sides taking turns (`interleaved`). Run directly:
 * `node dist/bench/matrixSensing.js [preset]`.
 */
import { createRunContext } from "../src/experiments/context.js";
import { pathToFileURL } from "node:url";
import { resolveParams } from "../src/experiments/schema.js";
import { matrixSensing } from "../src/experiments/matrix-sensing/index.js";
import type { MatrixSensingParams } from "../src/experiments/matrix-sensing/params.js";
import { interleaved } from "./python.js";
import { benchRow, type BenchRow, type Timing } from "./row.js";

export async function benchMatrixSensing(preset = "paper", repeats = 3): Promise<BenchRow[]> {
  const p = resolveParams<MatrixSensingParams>(matrixSensing.name, matrixSensing.params, matrixSensing.presets[preset]);
  const seed = 0;
  // numpy's wall and CPU ms for the same work; absent (with a note on stderr) when python3/numpy is missing.
  const { ours, installed, oneThread } = await interleaved<Timing>(repeats, () => matrixSensing.run(p, createRunContext({ seed })), "matrix-sensing bench", "matrix_sensing_numpy.py", { ...p, seed });
  const variants = 3 + 2 * p.alphas.length;
  return [benchRow(`matrix-sensing ${preset} (${variants}×${p.T} GD steps)`, ours, installed, oneThread)];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const preset = process.argv[2] ?? "paper";
  process.stdout.write(JSON.stringify(await benchMatrixSensing(preset), null, 2) + "\n");
}
