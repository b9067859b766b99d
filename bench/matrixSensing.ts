/**
 * matrix-sensing `paper` preset: our float64 GD loop against numpy doing the same work
 * (bench/matrix_sensing_numpy.py: same sizes, variants, T, recording and one-step re-factoring).
 * numpy runs single-threaded (OPENBLAS/OMP/MKL_NUM_THREADS=1) because our loop is: the ratio
 * then compares code, not core counts. Run directly: `npx tsx bench/matrixSensing.ts`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rng } from "../src/compute/rng.js";
import { resolveParams } from "../src/experiments/schema.js";
import { matrixSensing } from "../src/experiments/matrix-sensing/index.js";
import type { MatrixSensingParams } from "../src/experiments/matrix-sensing/params.js";
import type { BenchRow } from "./row.js";

/** The script sits beside this file in the source tree; compiled, this file is in dist/bench/. */
function numpyScript(): string | undefined {
  const candidates = ["./matrix_sensing_numpy.py", "../../bench/matrix_sensing_numpy.py"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((p) => existsSync(p));
}

/** numpy's wall and CPU ms for the same work, or undefined (with a note on stderr) when python3/numpy is missing. */
function timeNumpy(p: MatrixSensingParams, seed: number): { ms: number; cpuMs: number } | undefined {
  const script = numpyScript();
  if (!script) return undefined;
  const single = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const res = spawnSync("python3", [script, JSON.stringify({ ...p, seed })], {
    encoding: "utf8",
    env: { ...process.env, ...single },
    maxBuffer: 1 << 20,
  });
  if (res.error || res.status !== 0) {
    process.stderr.write(`matrix-sensing bench: numpy run skipped (${res.error?.message ?? res.stderr.trim().split("\n").pop()})\n`);
    return undefined;
  }
  const lines = res.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as { ms: number; cpuMs: number };
}

export async function benchMatrixSensing(preset = "paper"): Promise<BenchRow[]> {
  const p = resolveParams<MatrixSensingParams>(matrixSensing.name, matrixSensing.params, matrixSensing.presets[preset]);
  const seed = 0;
  const start = performance.now(), cpu = process.cpuUsage();
  await matrixSensing.run(p, { seed, rng: rng(seed), progress: () => {} });
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
