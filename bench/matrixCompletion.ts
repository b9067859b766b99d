/**
 * matrix-completion `paper` preset, the convergence runs: sampling Ω, the spectral start and T
 * alternating steps with exact and with approximate (CGLS) row updates, in our float64 loops
 * against numpy doing the same work (bench/matrix_completion_numpy.py: same sizes, start, solvers
 * and steps, every row at once through einsum, reduceat and a batched solve), in the same run.
 * numpy runs twice: as installed (all its BLAS threads, `ratio`) and on one thread
 * (OPENBLAS/OMP/MKL_NUM_THREADS=1, `ratioOneThread`, code against code). Each side's time is the
 * best of `repeats` runs, the sides taking turns (`interleaved`), ours after one untimed run (the
 * first warms the JIT up). Run directly: `node dist/bench/matrixCompletion.js [preset]`.
 */
import { pathToFileURL } from "node:url";
import { rng } from "../src/compute/rng.js";
import { resolveParams } from "../src/experiments/schema.js";
import { matrixCompletion } from "../src/experiments/matrix-completion/index.js";
import { altStep, groundTruth, omegaSize, relError, sampleOmega, spectralInit } from "../src/experiments/matrix-completion/model.js";
import type { MatrixCompletionParams } from "../src/experiments/matrix-completion/params.js";
import { interleaved } from "./python.js";
import { benchRow, type BenchRow } from "./row.js";

interface NumpyResult { ms: number; cpuMs: number; omega: number; finalErrors: { exact: number; approx: number } }

/**
 * The work the numpy script times, as a function to time: sampling Ω, the spectral start and T
 * steps of each solver, returning the final errors (to check both sides did it). The ground truth
 * is built here, untimed, as numpy builds its own before its clock starts.
 */
function workOn(p: MatrixCompletionParams, seed: number): () => { exact: number; approx: number } {
  const g = rng(seed);
  const truth = groundTruth(p.m, p.n, p.k, p.kappa, g.fork("truth"));
  return () => {
    const obs = sampleOmega(p.m, p.n, omegaSize(p.c, p.m, p.n, p.k), g.fork("omega"), (i, j) => truth.M[i * p.n + j]);
    const init = spectralInit(truth, obs);
    const finalErrors = { exact: NaN, approx: NaN };
    for (const solver of ["exact", "approx"] as const) {
      const X = init.X.slice(), Y = init.Y.slice();
      for (let t = 0; t < p.T; t++) altStep(truth, obs, X, Y, solver, p.cgIters);
      finalErrors[solver] = relError(truth, X, Y);
    }
    return finalErrors;
  };
}

export async function benchMatrixCompletion(preset = "paper", repeats = 3): Promise<BenchRow[]> {
  const p = resolveParams<MatrixCompletionParams>(matrixCompletion.name, matrixCompletion.params, matrixCompletion.presets[preset]);
  const seed = 0;
  workOn(p, seed + 1)(); // warm-up: the first SVD and loops run before the JIT has compiled them; numpy has nothing to warm
  const work = workOn(p, seed);
  let finalErrors = { exact: NaN, approx: NaN };
  const args = { m: p.m, n: p.n, k: p.k, kappa: p.kappa, c: p.c, T: p.T, cgIters: p.cgIters, seed };
  const { ours, ...numpy } = await interleaved<NumpyResult>(repeats, () => (finalErrors = work()), "matrix-completion bench", "matrix_completion_numpy.py", args);
  const omega = omegaSize(p.c, p.m, p.n, p.k);
  const name = `matrix-completion ${preset} (2×${p.T} AltMin steps, ${p.m}×${p.n}, k=${p.k}, |Ω|=${omega})`;
  for (const run of [numpy.installed, numpy.oneThread]) {
    if (run && run.omega !== omega) throw new Error(`matrix-completion bench: numpy sampled |Ω|=${run.omega}, ours ${omega}`);
  }
  // Both must have converged, or they did not do the same work (the preset's runs reach round-off).
  for (const [who, errors] of [["ours", finalErrors], ["numpy", numpy.installed?.finalErrors], ["numpy on one thread", numpy.oneThread?.finalErrors]] as const) {
    if (errors && !(errors.exact < 1e-6 && errors.approx < 1e-6)) throw new Error(`matrix-completion bench: ${who} did not converge (final errors ${JSON.stringify(errors)})`);
  }
  return [benchRow(name, ours, numpy.installed, numpy.oneThread)];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const preset = process.argv[2] ?? "paper";
  process.stdout.write(JSON.stringify(await benchMatrixCompletion(preset), null, 2) + "\n");
}
