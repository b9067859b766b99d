/**
 * lab.spectra.compare on a 768 × 768 pair (the size of a RoBERTa-base attention projection, the
 * model of Shuttleworth et al., arXiv:2410.21228) against numpy doing the same work
 * (bench/lora_spectra_numpy.py): two thin SVDs, the k × n |cos| block, the intruder count and
 * the effective and stable ranks. Both sides read the very same matrices: ours are written to a
 * temporary float64 file that numpy loads, and the intruder counts must agree for a row to count.
 * numpy runs twice, as in bench/svd.ts: with BLAS threads as installed (`ratio`) and on one
 * thread like our code (`ratioOneThread`). Best of a few runs after a warm-up; wall time is the
 * ratio, CPU time is reported beside it because on a shared machine it is the steadier number.
 *
 * Run directly: `npm run build && node dist/bench/loraSpectra.js`, or through `npm run bench`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { rng } from "../src/compute/rng.js";
import { compare } from "../src/spectra/compare.js";
import { matmulABt, randomOrthonormal } from "../src/linalg/index.js";
import type { Matrix } from "../src/linalg/matrix.js";
import { formatTable } from "./format.js";
import { runReference } from "./python.js";
import { benchRow, bestOf, type BenchRow, type Timing } from "./row.js";

interface NumpyResult {
  ms: number;
  cpuMs: number;
  intruders: number;
  maxSimilarity: number[];
}

const k = 10, epsilon = 0.5;

/**
 * W0 = Q₁ diag(s) Q₂ᵀ with Haar-random Q₁, Q₂ and s_i = (i + 1)^-0.7 (a decaying spectrum whose
 * top values stand apart, as in a trained weight); W = W0 + Σ_t λ_t u_t v_tᵀ, a rank-4 update on
 * random unit directions with λ from 2σ₁ down to 0.3σ₁: the strong ones enter the top k as new
 * directions (intruders), the weak ones may not.
 */
export function loraSpectraPair(n: number, seed = 0): { W0: Matrix; W: Matrix } {
  const r = rng(seed);
  const Q1 = randomOrthonormal(n, n, r.fork("Q1"));
  const Q2 = randomOrthonormal(n, n, r.fork("Q2"));
  for (let a = 0; a < n; a++) for (let i = 0; i < n; i++) Q1.data[a * n + i] *= (i + 1) ** -0.7;
  const W0 = matmulABt(Q1, Q2);
  const W: Matrix = { rows: n, cols: n, data: W0.data.slice() };
  const lambdas = [2, 1.2, 0.6, 0.3];
  const up = r.fork("update");
  const unit = () => {
    const x = up.normals(n);
    const norm = Math.hypot(...x);
    return x.map((v) => v / norm);
  };
  for (const lambda of lambdas) {
    const u = unit(), v = unit();
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) W.data[a * n + b] += lambda * u[a] * v[b];
  }
  return { W0, W };
}

async function timeOurs(W0: Matrix, W: Matrix, repeats: number): Promise<Required<Timing> & { intruders: number; maxSimilarity: Float64Array }> {
  const first = compare(W0, W, { k, epsilon }); // warm-up: V8 compiles the kernels, as LAPACK is compiled ahead
  const best = await bestOf(repeats, () => compare(W0, W, { k, epsilon }));
  return { ...best, intruders: first.intruderCount, maxSimilarity: first.maxSimilarity };
}

export async function benchLoraSpectra(n = 768, repeats = 3, log = (line: string) => process.stderr.write(line + "\n")): Promise<BenchRow[]> {
  const { W0, W } = loraSpectraPair(n);
  const ours = await timeOurs(W0, W, repeats);
  const dir = mkdtempSync(join(tmpdir(), "lora-spectra-bench-"));
  const file = join(dir, "pair.f64");
  try {
    const bytes = new Float64Array(2 * n * n);
    bytes.set(W0.data, 0);
    bytes.set(W.data, n * n);
    writeFileSync(file, new Uint8Array(bytes.buffer)); // little-endian on every platform Node runs on
    const runs = runReference<NumpyResult>("bench lora-spectra", "lora_spectra_numpy.py", { file, n, k, epsilon, repeats });
    // Different answers would mean different work: such a run gives no ratio.
    const checked = (label: string, numpy: NumpyResult | undefined): NumpyResult | undefined => {
      if (!numpy) return undefined; // the reason is already on stderr
      if (numpy.intruders !== ours.intruders) {
        log(`bench lora-spectra (${label}): intruder counts differ (ours ${ours.intruders}, numpy ${numpy.intruders}); no ratio`);
        return undefined;
      }
      const gap = Math.max(...numpy.maxSimilarity.map((s: number, j: number) => Math.abs(s - ours.maxSimilarity[j])));
      log(`bench lora-spectra (${label}): ${ours.intruders} intruders on both sides; max |Δ max|cos|| ${gap.toExponential(1)}; CPU ms ours ${ours.cpuMs.toFixed(0)}, numpy ${numpy.cpuMs.toFixed(0)}`);
      return numpy;
    };
    return [benchRow(`spectra.compare ${n}×${n} (vs numpy)`, ours, checked("numpy as installed", runs.installed), checked("numpy on 1 thread", runs.oneThread))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.stdout.write(formatTable(await benchLoraSpectra()) + "\n");
}
