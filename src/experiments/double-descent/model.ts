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
 *     features, and a prefix of columns is a smaller model: β̂ = R[:N,:N]⁻¹ (Qᵀy)[:N].
 *   under-determined (N ≥ n model-wise, n ≤ N sample-wise): rows are features, the columns are
 *     samples, Φᵀ = Q₁R. With z = R⁻ᵀy and α = R⁻¹z, the minimum-norm solution is β̂ = Q₁z = Φᵀα:
 *       ‖β̂‖ = ‖z‖,    test predictions Ψβ̂ = (ΨΦᵀ) α,
 *     where the test-by-train product ΨΦᵀ (m × n) is accumulated as features are added.
 *     These are the semi-normal equations of the minimum-norm problem: R comes from Householder
 *     QR of Φᵀ and ΦΦᵀ is never formed. Their error is of order κ(Φ)·ε, like an explicit Q₁'s:
 *     the computed R is exact for some Φ̃ = Φ + δ with ‖δ‖ ≲ ε‖Φ‖, so Φ̃ᵀα̃ is the exact
 *     min-norm solution for Φ̃ (relative error ≲ κε), and using Φ instead of Φ̃ adds
 *     ‖δ‖‖α̃‖ ≤ ε‖Φ‖‖β̂‖/σ_min = κε‖β̂‖ (README; model.test.ts checks it against minNormSolve).
 *   ridge (λ > 0): the rows √λ·I come first, so RᵀR = ΦΦᵀ + λI and the same read-out gives the
 *     dual ridge solution β = Φᵀ(ΦΦᵀ + λI)⁻¹y at every N.
 */
import { _gemm, _gemmWasm } from "../../linalg/gemm.js";
import { _kernels } from "../../linalg/wasm/kernels.js";
import { appendRows, carried, conditionEstimate, sequentialQR, solveR, solveRt, type SequentialQR } from "./sequentialQR.js";

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
  /**
   * Estimated condition number κ(Φ) of the system solved, a lower bound; only in the critical
   * region 1/2 ≤ N/n ≤ 2 without ridge (NaN elsewhere: it costs a few solves per point, and only
   * the threshold's conditioning is in question).
   */
  kappa: number;
}

const critical = (ratio: number) => ratio >= 0.5 && ratio <= 2;

/** Called after each block of rows with the work it cost (flops), to report progress and abort. */
export type Work = (flops: number) => Promise<void>;

const BLOCK = 256; // rows per append: enough for the panel products to run at matrix-product speed
const CHUNK = 512; // features (or samples) appended at a time

/** Flops of appending `rows` rows to a factorisation with k factored and `extra` carried columns. */
export function appendCost(rows: number, k: number, extra: number): number {
  return 4 * rows * (k * k / 2 + k * extra);
}

/** Flops of a model-wise minimum-norm (or ridge) pass: the QR plus the test-by-train product. */
export function dualPassCost(rows: number, n: number, m: number): number {
  return appendCost(rows, n, 0) + 2 * rows * n * m;
}

/** Appends `rows` rows, BLOCK at a time, each block written by `fill` into B (scratch, reused: fresh memory is slow to touch). */
async function appendAll(qr: SequentialQR, rows: number, fill: (i0: number, i1: number, B: Float64Array) => void, work: Work, B = new Float64Array(BLOCK * (qr.k + qr.extra))): Promise<void> {
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

/**
 * out[t, r] = Σ_{i<p} A(t, i) X[i, r] for t < m, r < q, with A(t, i) = A[aOff + t·ais + i·aps] and
 * X row-major [p, q]: test predictions from the coefficients X. Each entry is summed over i in
 * order, one product added at a time, skipping zero A(t, i). linalg's WebAssembly product (at
 * every size, so _gemmWasm rather than _gemm) sums every entry the same way, from +0, so it gives
 * these same values bit for bit: adding the skipped ±0 terms changes no sum.
 */
function predict(m: number, q: number, p: number, A: Float64Array, aOff: number, ais: number, aps: number, X: Float64Array): Float64Array {
  const out = new Float64Array(m * q);
  const K = p > 0 ? _kernels() : null;
  if (K === null) {
    for (let t = 0; t < m; t++) {
      for (let i = 0; i < p; i++) {
        const c = A[aOff + t * ais + i * aps];
        if (c === 0) continue;
        for (let r = 0; r < q; r++) out[t * q + r] += c * X[i * q + r];
      }
    }
    return out;
  }
  _gemmWasm(K, m, q, p, 1, A, aOff, ais, aps, X, 0, q, out, 0, q);
  return out;
}

/**
 * Minimum-norm (or ridge) read-out from the under-determined state on its first p columns:
 * z = R⁻ᵀY, α = R⁻¹z, pred[t] = Σ_i K(t, i) α[i] with K(t, i) = cross[t·ts + i·is] = ψ_t·φ_i.
 */
function dualPoint(qr: SequentialQR, size: number, p: number, Y: Float64Array, q: number, m: number, ridge: number, cross: Float64Array, ts: number, is: number, ratio: number): PathPoint {
  const z = solveRt(qr, p, Y.slice(0, p * q), q); // [p, q]
  const norm2 = columnNorms2(z, p, q);
  const alpha = solveR(qr, p, z.slice(), q); // [p, q]
  const pred = predict(m, q, p, cross, 0, ts, is, alpha);
  const train2 = new Float64Array(q);
  if (ridge > 0) {
    // ‖z‖² = ‖β‖² + λ‖α‖²; the training residual is y − Φβ = λα.
    const alpha2 = columnNorms2(alpha, p, q);
    for (let r = 0; r < q; r++) {
      norm2[r] = Math.max(0, norm2[r] - ridge * alpha2[r]);
      train2[r] = ridge * ridge * alpha2[r];
    }
  }
  // κ of a ridge system is bounded by (σ_max² + λ)/λ and says nothing about the threshold.
  return { size, pred, norm2, train2, kappa: ridge > 0 || !critical(ratio) ? NaN : conditionEstimate(qr, p) };
}

/**
 * Least-squares read-out from the over-determined state on its first p columns; the test
 * features are Ψ(t, j) = Psi[pOff + t·ts + j·js].
 */
function primalPoint(qr: SequentialQR, size: number, p: number, q: number, Psi: Float64Array, pOff: number, ts: number, js: number, m: number, ratio: number): PathPoint {
  const beta = solveR(qr, p, carried(qr, p), q); // [p, q]
  const pred = predict(m, q, p, Psi, pOff, ts, js, beta);
  const train2 = qr.residual2.slice();
  const cols = qr.k + qr.extra;
  for (let i = p; i < qr.k; i++) for (let r = 0; r < q; r++) train2[r] += qr.W[i * cols + qr.k + r] ** 2;
  return { size, pred, norm2: columnNorms2(beta, p, q), train2, kappa: critical(ratio) ? conditionEstimate(qr, p) : NaN };
}

export interface ModelWiseInput {
  /** Training samples n and test samples m. */
  n: number;
  m: number;
  /** [n, q] training targets (several target sets side by side, e.g. label-noise levels). */
  Y: Float64Array;
  q: number;
  /**
   * Features j0 ≤ j < j1 on the n training then the m test points, feature-major [j1 − j0, n + m],
   * written into `out` (of that length) and returned.
   */
  features(j0: number, j1: number, out: Float64Array): Float64Array;
  /** Sorted feature counts N to read off. */
  grid: number[];
  /** λ ≥ 0; 0 gives least squares below n and the minimum-norm interpolant from n on. */
  ridge: number;
  work: Work;
}

/** The model-wise sweep over N (Belkin et al. Fig. 2; Nakkiran et al. at fixed n). */
export async function modelWisePath(inp: ModelWiseInput): Promise<PathPoint[]> {
  const { n, m, Y, q, grid, ridge, work } = inp;
  const points: PathPoint[] = [];
  const cols = n + m, Nmax = grid[grid.length - 1];
  // Features are made CHUNK at a time, whatever the grid, into one buffer, and handed out as views
  // of it: the features below n are made once for both passes, a grid point's few extra features
  // do not cost a product of their own, and no fresh memory is touched per block.
  let made = { j0: 0, j1: 0 }, buf = new Float64Array(0);
  const features = (j0: number, j1: number): Float64Array => { // [j1 − j0, n + m]
    if (j0 < made.j0 || j1 > made.j1) {
      made = { j0, j1: Math.min(Nmax, Math.max(j1, j0 + CHUNK)) };
      const len = (made.j1 - j0) * cols;
      if (buf.length < len) buf = new Float64Array(len);
      inp.features(j0, made.j1, buf.subarray(0, len));
    }
    return buf.subarray((j0 - made.j0) * cols, (j1 - made.j0) * cols);
  };
  const below = ridge > 0 ? [] : grid.filter((N) => N < n);
  if (below.length > 0) {
    // Rows are the n samples; the columns, features 0 … k−1, are factored once for every N ≤ k.
    const k = below[below.length - 1];
    const F0 = features(0, k); // [k, n + m]
    const qr = sequentialQR(k, q);
    await appendAll(qr, n, (i0, i1, B) => {
      for (let j = 0; j < k; j++) for (let i = i0; i < i1; i++) B[(i - i0) * (k + q) + j] = F0[j * cols + i];
      for (let i = i0; i < i1; i++) for (let r = 0; r < q; r++) B[(i - i0) * (k + q) + k + r] = Y[i * q + r];
    }, work);
    for (const N of below) points.push(primalPoint(qr, N, N, q, F0, n, 1, cols, m, N / n));
  }
  const above = ridge > 0 ? grid : grid.filter((N) => N >= n);
  if (above.length === 0) return points;
  // Rows are features φ_j on the training points; K = ΨΦᵀ [m, n] grows with them.
  const qr = sequentialQR(n, 0, ridge);
  const K = new Float64Array(m * n);
  const scratch = new Float64Array(BLOCK * n);
  let done = 0;
  for (const N of above) {
    while (done < N) {
      const j0 = done, j1 = Math.min(N, done + CHUNK), w = j1 - j0;
      const F = features(j0, j1); // [w, n + m]
      _gemm(m, n, w, 1, F, n, 1, cols, F, 0, cols, K, 0, n); // K += Ψ_blk Φ_blkᵀ
      await work(2 * w * n * m);
      await appendAll(qr, w, (a0, a1, B) => {
        for (let a = a0; a < a1; a++) B.set(F.subarray(a * cols, a * cols + n), (a - a0) * n);
      }, work, scratch);
      done = j1;
    }
    points.push(dualPoint(qr, N, n, Y, q, m, ridge, K, n, 1, N / n));
  }
  return points;
}

/** The first `rows` rows of a row-major [·, w] array, transposed: [w, rows]. */
function transpose(F: Float64Array, rows: number, w: number): Float64Array {
  const out = new Float64Array(w * rows);
  for (let i = 0; i < rows; i++) for (let a = 0; a < w; a++) out[a * rows + i] = F[i * w + a];
  return out;
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

/** The sample-wise sweep over n at fixed N (Nakkiran et al. 2019, "more data can hurt"). */
export async function sampleWisePath(inp: SampleWiseInput): Promise<PathPoint[]> {
  const { N, m, Y, q, grid, Psi, work } = inp;
  const points: PathPoint[] = [];
  const below = grid.filter((n) => n < N);
  if (below.length > 0) {
    // Rows are the N features on the first k samples; a prefix of samples is a smaller n.
    const k = below[below.length - 1];
    const F0 = inp.rows(0, k); // [k, N]
    const Kt = new Float64Array(k * m); // Φ_kΨᵀ: entry (i, t) = φ(x_i)·ψ_t
    _gemm(k, m, N, 1, F0, 0, N, 1, transpose(Psi, m, N), 0, m, Kt, 0, m);
    const qr = sequentialQR(k, 0);
    await appendAll(qr, N, (j0, j1, B) => {
      for (let j = j0; j < j1; j++) for (let i = 0; i < k; i++) B[(j - j0) * k + i] = F0[i * N + j];
    }, work);
    for (const n of below) points.push(dualPoint(qr, n, n, Y, q, m, 0, Kt, 1, m, N / n));
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
    points.push(primalPoint(qr, n, N, q, Psi, 0, N, 1, m, N / n));
  }
  return points;
}
