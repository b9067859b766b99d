/**
 * The method of Belkin et al. (arXiv:1812.11118, §3): least squares on random features, and once
 * there are more features N than samples n, the minimum-norm interpolant
 *
 *   β̂ = argmin ‖β‖  subject to  Φβ = y          (Φ is n × N),
 *
 * the limit of gradient descent from zero and of ridge as λ → 0. Sweeping N (model-wise) or n
 * (sample-wise) gives the double-descent curve, which peaks at the interpolation threshold N = n.
 *
 * Both sweeps are nested: N + 1 features are N features and one more; n + 1 samples are n samples
 * and one more. So each is one pass of a row-appended QR (sequentialQR.ts) read off at every grid
 * point, never a fresh solve per point:
 *
 *   over-determined  (N ≤ n model-wise, n ≥ N sample-wise): rows are samples, the columns are
 *     features, and a prefix of columns is a smaller model: β = R[:N,:N]⁻¹ (Qᵀy)[:N].
 *   under-determined (N ≥ n model-wise, n ≤ N sample-wise): rows are features, the columns are
 *     samples. From Φᵀ = Q₁R, the minimum-norm solution is β̂ = Q₁ R⁻ᵀ y, so with z = R⁻ᵀy:
 *       ‖β̂‖ = ‖z‖,    test predictions Ψβ̂ = (Q₁ᵀΨᵀ)ᵀ z = Cᵀz,
 *     where C = Q₁ᵀΨᵀ is carried along as the test features' columns: Q₁ is never formed.
 *   ridge (λ > 0): the rows √λ·I come first, so RᵀR = ΦΦᵀ + λI and the same formulas give the
 *     dual ridge solution β = Φᵀ(ΦΦᵀ + λI)⁻¹y at every N, without forming ΦΦᵀ.
 */
import { appendRows, carried, sequentialQR, solveR, solveRt, type SequentialQR } from "./sequentialQR.js";

/** One grid point of a sweep. */
export interface PathPoint {
  /** The swept size: N (model-wise) or n (sample-wise). */
  size: number;
  /** [m, q] predictions on the test points. */
  pred: Float64Array;
  /** [q] squared norm of each column of β̂ (in the scaled features). */
  norm2: Float64Array;
  /** [q] squared training residual of each target column (0 when interpolating). */
  train2: Float64Array;
}

/** Called after each block of rows with the work it cost (flops), to report progress and abort. */
export type Work = (flops: number) => Promise<void>;

const BLOCK = 256; // rows per append: enough for the panel products to run at matrix-product speed

/** Flops of appending `rows` rows to a factorisation with k factored and `extra` carried columns. */
export function appendCost(rows: number, k: number, extra: number): number {
  return 4 * rows * (k * k / 2 + k * extra);
}

async function appendAll(qr: SequentialQR, rows: number, fill: (i0: number, i1: number, B: Float64Array) => void, work: Work): Promise<void> {
  const cols = qr.k + qr.extra;
  const B = new Float64Array(BLOCK * cols);
  for (let i0 = 0; i0 < rows; i0 += BLOCK) {
    const i1 = Math.min(rows, i0 + BLOCK);
    B.fill(0);
    fill(i0, i1, B);
    appendRows(qr, B, i1 - i0);
    await work(appendCost(i1 - i0, qr.k, qr.extra));
  }
}

function columnNorms2(X: Float64Array, rows: number, q: number): Float64Array {
  const out = new Float64Array(q);
  for (let i = 0; i < rows; i++) for (let c = 0; c < q; c++) out[c] += X[i * q + c] ** 2;
  return out;
}

/** Minimum-norm (or ridge) read-out from the under-determined state: z = R⁻ᵀY, pred = C[:p]ᵀz. */
function dualPoint(qr: SequentialQR, size: number, p: number, Y: Float64Array, q: number, m: number, ridge: number): PathPoint {
  const z = solveRt(qr, p, Y.slice(0, p * q), q); // [p, q]
  const C = carried(qr, p, 0, m); // [p, m]
  const pred = new Float64Array(m * q);
  for (let i = 0; i < p; i++) {
    for (let t = 0; t < m; t++) {
      const c = C[i * m + t];
      if (c === 0) continue;
      for (let r = 0; r < q; r++) pred[t * q + r] += c * z[i * q + r];
    }
  }
  const norm2 = columnNorms2(z, p, q);
  const train2 = new Float64Array(q);
  if (ridge > 0) {
    // ‖z‖² = ‖β‖² + λ‖α‖² with α = R⁻¹z the dual coefficients; the training residual is λα.
    const alpha2 = columnNorms2(solveR(qr, p, z.slice(), q), p, q);
    for (let r = 0; r < q; r++) {
      norm2[r] = Math.max(0, norm2[r] - ridge * alpha2[r]);
      train2[r] = ridge * ridge * alpha2[r];
    }
  }
  return { size, pred, norm2, train2 };
}

/** Least-squares read-out from the over-determined state on its first p columns. */
function primalPoint(qr: SequentialQR, size: number, p: number, q: number, Psi: (t: number, j: number) => number, m: number): PathPoint {
  const beta = solveR(qr, p, carried(qr, p), q); // [p, q]
  const pred = new Float64Array(m * q);
  for (let t = 0; t < m; t++) {
    for (let j = 0; j < p; j++) {
      const v = Psi(t, j);
      if (v === 0) continue;
      for (let r = 0; r < q; r++) pred[t * q + r] += v * beta[j * q + r];
    }
  }
  const train2 = qr.residual2.slice();
  const cols = qr.k + qr.extra;
  for (let i = p; i < qr.k; i++) for (let r = 0; r < q; r++) train2[r] += qr.W[i * cols + qr.k + r] ** 2;
  return { size, pred, norm2: columnNorms2(beta, p, q), train2 };
}

export interface ModelWiseInput {
  /** Training samples n and test samples m. */
  n: number;
  m: number;
  /** [n, q] training targets (several target sets side by side, e.g. label-noise levels). */
  Y: Float64Array;
  q: number;
  /** Features j0 ≤ j < j1 on the n training then the m test points, sample-major [n + m, j1 − j0]. */
  features(j0: number, j1: number): Float64Array;
  /** Sorted feature counts N to read off. */
  grid: number[];
  /** λ ≥ 0; 0 gives least squares below n and the minimum-norm interpolant from n on. */
  ridge: number;
  work: Work;
}

const CHUNK = 512; // features generated at a time in the under-determined pass

/** The model-wise sweep over N (Belkin et al. Fig. 2; Nakkiran et al. Fig. 1 at fixed n). */
export async function modelWisePath(inp: ModelWiseInput): Promise<PathPoint[]> {
  const { n, m, Y, q, grid, ridge, work } = inp;
  const points: PathPoint[] = [];
  const below = ridge > 0 ? [] : grid.filter((N) => N < n);
  if (below.length > 0) {
    // Rows are the n samples; the columns, features 0 … k−1, are factored once for every N ≤ k.
    const k = below[below.length - 1];
    const F0 = inp.features(0, k); // [n + m, k]
    const qr = sequentialQR(k, q);
    await appendAll(qr, n, (i0, i1, B) => {
      for (let i = i0; i < i1; i++) {
        const o = (i - i0) * (k + q);
        B.set(F0.subarray(i * k, (i + 1) * k), o);
        for (let r = 0; r < q; r++) B[o + k + r] = Y[i * q + r];
      }
    }, work);
    for (const N of below) points.push(primalPoint(qr, N, N, q, (t, j) => F0[(n + t) * k + j], m));
  }
  const above = ridge > 0 ? grid : grid.filter((N) => N >= n);
  if (above.length === 0) return points;
  // Rows are features: [φ_j on the training points | φ_j on the test points].
  const qr = sequentialQR(n, m, ridge);
  let done = 0;
  for (const N of above) {
    while (done < N) {
      const j0 = done, j1 = Math.min(N, done + CHUNK), w = j1 - j0;
      const F = inp.features(j0, j1); // [n + m, w]
      await appendAll(qr, w, (a0, a1, B) => {
        for (let a = a0; a < a1; a++) {
          const o = (a - a0) * (n + m);
          for (let i = 0; i < n + m; i++) B[o + i] = F[i * w + a];
        }
      }, work);
      done = j1;
    }
    points.push(dualPoint(qr, N, n, Y, q, m, ridge));
  }
  return points;
}

export interface SampleWiseInput {
  /** Features N (fixed) and test samples m. */
  N: number;
  m: number;
  /** [pool, q] targets of the training pool, in the order samples are added. */
  Y: Float64Array;
  q: number;
  /** Features of pool samples i0 ≤ i < i1, sample-major [i1 − i0, N]. */
  rows(i0: number, i1: number): Float64Array;
  /** [m, N] test features. */
  Psi: Float64Array;
  /** Sorted sample counts n to read off (each ≤ the pool). */
  grid: number[];
  work: Work;
}

/** The sample-wise sweep over n at fixed N (Nakkiran et al. 2019 §5, "more data can hurt"). */
export async function sampleWisePath(inp: SampleWiseInput): Promise<PathPoint[]> {
  const { N, m, Y, q, grid, Psi, work } = inp;
  const points: PathPoint[] = [];
  const below = grid.filter((n) => n < N);
  if (below.length > 0) {
    // Rows are the N features on [the first k samples | the test points]; a prefix of samples is a smaller n.
    const k = below[below.length - 1];
    const F0 = inp.rows(0, k); // [k, N]
    const qr = sequentialQR(k, m);
    await appendAll(qr, N, (j0, j1, B) => {
      for (let j = j0; j < j1; j++) {
        const o = (j - j0) * (k + m);
        for (let i = 0; i < k; i++) B[o + i] = F0[i * N + j];
        for (let t = 0; t < m; t++) B[o + k + t] = Psi[t * N + j];
      }
    }, work);
    for (const n of below) points.push(dualPoint(qr, n, n, Y, q, m, 0));
  }
  // Rows are samples [φ(x_i) | y_i], appended in order.
  const above = grid.filter((n) => n >= N);
  const qr = sequentialQR(N, q);
  let done = 0;
  for (const n of above) {
    while (done < n) {
      const i0 = done, i1 = Math.min(n, done + CHUNK);
      const F = inp.rows(i0, i1); // [i1 − i0, N]
      await appendAll(qr, i1 - i0, (a0, a1, B) => {
        for (let a = a0; a < a1; a++) {
          const o = (a - a0) * (N + q);
          B.set(F.subarray(a * N, (a + 1) * N), o);
          for (let r = 0; r < q; r++) B[o + N + r] = Y[(i0 + a) * q + r];
        }
      }, work);
      done = i1;
    }
    points.push(primalPoint(qr, n, N, q, (t, j) => Psi[t * N + j], m));
  }
  return points;
}
