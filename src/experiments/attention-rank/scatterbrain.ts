/**
 * The Scatterbrain probe (Chen et al. 2021, "Scatterbrain: Unifying Sparse and Low-rank
 * Attention Approximation", arXiv:2110.15343, §3 and Fig. 1 left): how well sparse, low-rank and
 * sparse + low-rank approximations reproduce softmax attention as its temperature moves from
 * peaked (a few large entries: sparse wins) to flat (close to rank one: low-rank wins).
 *
 * Two families, at the same per-query budget b (sparse: k = b entries; low-rank: b features or
 * rank b; sparse + low-rank: b/2 of each):
 * - "random features", the practical estimators: Performer's positive orthogonal random
 *   features (Choromanski et al. 2021, arXiv:2009.14794, FAVOR+), φ(x) = exp(Wx − ‖x‖²/2)/√m
 *   with E[φ(x)·φ(y)] = exp(x·y); top-k sparse attention; and Scatterbrain's sum, the feature
 *   estimate everywhere corrected to the exact value on the top-k support. Rows renormalised.
 *   Top-k is an oracle for the support that Scatterbrain finds with LSH, which can only do worse.
 * - "oracle": the best the structure allows, as a matrix approximation of A itself: truncated
 *   SVD, per-row top-k, and sparse + low-rank by alternating projections (GoDec, Zhou & Tao 2011)
 *   run until the error stops changing (Chen et al. compare against a robust-PCA oracle).
 *
 * Errors are relative Frobenius errors ‖Â − A‖_F / ‖A‖_F of the N × N attention matrix, Float64.
 */
import type { Rng } from "../../compute/rng.js";
import { eigh, matmul, matmulABt, matmulAtB, matrix, randomizedSvd, type Matrix } from "../../linalg/index.js";

export type Approximation = "sparse" | "low-rank" | "sparse+low-rank";
export const approximations: readonly Approximation[] = ["sparse", "low-rank", "sparse+low-rank"];

export type Family = "random features" | "oracle";

export interface ProbePoint {
  family: Family;
  temperature: number;
  /** Mean row entropy of the exact attention, over log N (0: one-hot rows, 1: uniform). */
  entropy: number;
  method: Approximation;
  /** ‖Â − A‖_F / ‖A‖_F. */
  error: number;
}

/**
 * m random feature directions in R^d, in blocks of d mutually orthogonal rows (Gram–Schmidt on
 * Gaussian blocks), each rescaled to the norm of an independent Gaussian vector so every row is
 * marginally N(0, I) as the unbiased estimator needs (Performer §2.4, "ORFs").
 */
export function orthogonalFeatures(m: number, d: number, rng: Rng): Float64Array {
  const W = new Float64Array(m * d);
  for (let start = 0; start < m; start += d) {
    const rows = Math.min(d, m - start);
    const block = rng.normals(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += block[i * d + c] * block[j * d + c];
        for (let c = 0; c < d; c++) block[i * d + c] -= dot * block[j * d + c];
      }
      let norm = 0;
      for (let c = 0; c < d; c++) norm += block[i * d + c] ** 2;
      norm = Math.sqrt(norm);
      for (let c = 0; c < d; c++) block[i * d + c] /= norm;
    }
    for (let i = 0; i < rows; i++) {
      const g = rng.normals(d);
      let length = 0;
      for (let c = 0; c < d; c++) length += g[c] * g[c];
      length = Math.sqrt(length);
      for (let c = 0; c < d; c++) W[(start + i) * d + c] = block[i * d + c] * length;
    }
  }
  return W;
}

/**
 * Positive random features of the rows of √s·X, kept as a per-row log-scale plus bounded terms:
 * feature[i, r] = exp(a[i, r] − shift[i]), a[i, r] = w_r·x_i − ‖x_i‖²/2 and shift[i] = max_r a[i, r],
 * so low temperatures (large s) neither overflow nor underflow.
 */
function features(X: Matrix, s: number, W: Float64Array, m: number): { F: Float64Array; shift: Float64Array } {
  const { rows: N, cols: d } = X;
  const F = new Float64Array(N * m);
  const shift = new Float64Array(N).fill(-Infinity);
  const root = Math.sqrt(s);
  for (let i = 0; i < N; i++) {
    let sq = 0;
    for (let c = 0; c < d; c++) sq += (root * X.data[i * d + c]) ** 2;
    for (let r = 0; r < m; r++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += W[r * d + c] * root * X.data[i * d + c];
      F[i * m + r] = dot - sq / 2;
      shift[i] = Math.max(shift[i], F[i * m + r]);
    }
    for (let r = 0; r < m; r++) F[i * m + r] = Math.exp(F[i * m + r] - shift[i]);
  }
  return { F, shift };
}

/** Row-softmax of log-weights in place (−Infinity entries get weight 0). */
function normaliseRow(row: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < row.length; j++) if (row[j] > max) max = row[j];
  let sum = 0;
  for (let j = 0; j < row.length; j++) sum += (row[j] = Math.exp(row[j] - max));
  for (let j = 0; j < row.length; j++) row[j] /= sum;
}

/** Row i's log random-feature estimates of exp(s qᵢ·kⱼ) for all j, into `row`. */
function estimateRow(q: ReturnType<typeof features>, k: ReturnType<typeof features>, i: number, m: number, row: Float64Array): void {
  for (let j = 0; j < row.length; j++) {
    let dot = 0;
    for (let r = 0; r < m; r++) dot += q.F[i * m + r] * k.F[j * m + r];
    // A product of terms in (0, 1] can underflow to 0: the estimate is then negligible (< e^-700 of its scale).
    row[j] = dot > 0 ? q.shift[i] + k.shift[j] + Math.log(dot / m) : -Infinity;
  }
}

/** Best rank-r approximation of M (randomized SVD; exact enough at the ranks used here). */
function truncated(M: Matrix, r: number, rng: Rng): Matrix {
  const { U, S, V } = randomizedSvd(M, r, { rng });
  for (let i = 0; i < U.rows; i++) for (let t = 0; t < r; t++) U.data[i * r + t] *= S[t];
  return matmulABt(U, V);
}

/** Extra basis columns of the warm-started low-rank step, beyond its rank (Halko et al.'s oversampling p). */
const OVERSAMPLE = 10;

/**
 * Orthonormalises the columns of Y [m, l] in place by classical Gram–Schmidt applied twice
 * ("twice is enough", Giraud et al. 2005), which keeps them orthonormal to machine precision at
 * these small l. A column that (numerically) lies in the span of the previous ones becomes zero;
 * returns how many did.
 */
function orthonormalize(Y: Matrix): number {
  const { rows: m, cols: l } = Y, y = Y.data;
  const dots = new Float64Array(l);
  let dropped = 0;
  for (let c = 0; c < l; c++) {
    let before = 0;
    for (let i = 0; i < m; i++) before += y[i * l + c] ** 2;
    for (let pass = 0; pass < 2; pass++) {
      dots.fill(0, 0, c);
      for (let i = 0; i < m; i++) for (let a = 0; a < c; a++) dots[a] += y[i * l + a] * y[i * l + c];
      for (let i = 0; i < m; i++) for (let a = 0; a < c; a++) y[i * l + c] -= dots[a] * y[i * l + a];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += y[i * l + c] ** 2;
    const keep = norm > 1e-26 * before && norm > 1e-280;
    if (!keep) dropped++;
    const scale = keep ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < m; i++) y[i * l + c] *= scale;
  }
  return dropped;
}

/** Y with orthonormalised columns (see orthonormalize). */
function orthonormal(Y: Matrix): Matrix {
  orthonormalize(Y);
  return Y;
}

/**
 * The rank-r step of the alternating projections, warm-started: one block power iteration of M
 * from the previous step's right basis `state.V` (a fresh Gaussian one, with two extra power
 * iterations, the first time), then the best rank-r approximation inside that subspace
 * (Rayleigh–Ritz: the SVD of the small QᵀM, from the eigendecomposition of its l × l Gram
 * matrix). As the iterates settle the basis converges to M's top singular subspace, so a
 * converged decomposition uses the truncated SVD.
 */
function lowRankStep(M: Matrix, r: number, state: { V?: Matrix }, rng: Rng): Matrix {
  const n = M.cols, l = Math.min(r + OVERSAMPLE, M.rows, n);
  let V = state.V;
  let sweeps = 1;
  if (!V) {
    V = orthonormal(matrix(n, l, rng.normals(n * l)));
    sweeps = 3;
  }
  let Q = orthonormal(matmul(M, V)); // [m, l]
  for (let s = 1; s < sweeps; s++) Q = orthonormal(matmul(M, orthonormal(matmulAtB(M, Q))));
  const B = matmulAtB(M, Q); // (QᵀM)ᵀ [n, l]
  const { values, vectors: W } = eigh(matmulAtB(B, B)); // BᵀB = W Λ Wᵀ, so B = (B W Λ^-½) Λ^½ Wᵀ
  const order = Array.from({ length: l }, (_, i) => i).sort((a, b) => values[b] - values[a]);
  const BW = matmul(B, W); // [n, l]
  const left = matrix(Q.rows, r), right = matrix(n, r);
  const QW = matmul(Q, W); // [m, l]
  for (let t = 0; t < r; t++) {
    const c = order[t], sigma = Math.sqrt(Math.max(values[c], 0));
    for (let i = 0; i < Q.rows; i++) left.data[i * r + t] = QW.data[i * l + c];
    for (let j = 0; j < n; j++) right.data[j * r + t] = sigma > 0 ? BW.data[j * l + c] : 0; // = σ · (right singular vector)
  }
  // The next step starts from M's right basis; if M had rank below l, a fresh random start instead.
  state.V = orthonormalize(BW) === 0 ? BW : undefined;
  return matmulABt(left, right); // Σ_t (Q w_t)(B w_t)ᵀ = Q W_r W_rᵀ Bᵀ: QᵀM projected on its top r directions
}

/** The k-th largest of xs[0 .. n) (1-based k), by quickselect; reorders xs. */
function kthLargest(xs: Float64Array, n: number, k: number): number {
  let lo = 0, hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (xs[i] > pivot) i++;
      while (xs[j] < pivot) j--;
      if (i <= j) {
        const t = xs[i]; xs[i] = xs[j]; xs[j] = t;
        i++; j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return xs[target];
}

/** The k entries of largest magnitude in each row of M; zero elsewhere (ties at the threshold: leftmost first). */
function topPerRow(M: Matrix, k: number): Matrix {
  const { rows: N, cols } = M;
  const out = matrix(N, cols);
  if (k <= 0) return out;
  const abs = new Float64Array(cols);
  for (let i = 0; i < N; i++) {
    const row = M.data.subarray(i * cols, (i + 1) * cols);
    for (let j = 0; j < cols; j++) abs[j] = Math.abs(row[j]);
    const threshold = kthLargest(abs, cols, Math.min(k, cols));
    let taken = 0;
    for (let j = 0; j < cols; j++) if (Math.abs(row[j]) > threshold) { out.data[i * cols + j] = row[j]; taken++; }
    for (let j = 0; j < cols && taken < k; j++) if (Math.abs(row[j]) === threshold) { out.data[i * cols + j] = row[j]; taken++; }
  }
  return out;
}

function minus(A: Matrix, B: Matrix): Matrix {
  const out = matrix(A.rows, A.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = A.data[i] - B.data[i];
  return out;
}

function norm(A: Matrix): number {
  let s = 0;
  for (let i = 0; i < A.data.length; i++) s += A.data[i] ** 2;
  return Math.sqrt(s);
}

/** ‖A − B‖_F without forming A − B. */
function distance(A: Matrix, B: Matrix): number {
  let s = 0;
  for (let i = 0; i < A.data.length; i++) s += (A.data[i] - B.data[i]) ** 2;
  return Math.sqrt(s);
}

/** Where the alternating projections start: S = 0 (GoDec's start, low-rank first) or S = top-(b/2) of A. */
export type DecompositionStart = "low-rank first" | "sparse first";
export const decompositionStarts: readonly DecompositionStart[] = ["low-rank first", "sparse first"];

/** One iteration of the oracle sparse + low-rank decomposition. */
export interface DecompositionStep {
  start: DecompositionStart;
  /** 1-based. */
  iteration: number;
  /** ‖A − L − S‖_F / ‖A‖_F after this iteration. */
  error: number;
  /** |error − previous error|, in the same units as error (NaN at the first iteration). */
  change: number;
  /** Whether this iteration met the stopping rule. */
  converged: boolean;
}

/**
 * How long the alternating projections run: until an iteration changes the error by at most
 * `tol` of itself or by at most `absTol` (errors are relative to ‖A‖_F, so absTol is a fraction
 * of ‖A‖_F), or `maxIterations`.
 */
export interface DecompositionOptions {
  maxIterations: number;
  tol: number;
  absTol: number;
}

/**
 * Default stopping rule: a change of at most 0.01% of the error or 1e-6 of ‖A‖_F in one iteration,
 * at most 200 iterations. The claims compare errors that differ by percents, far above either.
 */
export const defaultDecomposition: DecompositionOptions = { maxIterations: 200, tol: 1e-4, absTol: 1e-6 };

/** Whether a step's change meets `options`' stopping rule. */
export const meetsStoppingRule = (error: number, change: number, options: DecompositionOptions = defaultDecomposition): boolean =>
  error < 1e-12 || change <= options.tol * error || change <= options.absTol;

/**
 * Oracle errors for A: truncated SVD at rank b, top-b per row, and sparse + low-rank by
 * alternating projections L ← rank-(b − b/2) of A − S, S ← top-(b/2) per row of A − L (GoDec,
 * Zhou & Tao 2011), run from both starts until the error settles; the sparse + low-rank error is
 * the better of the two final errors. `steps` is every iteration's error and change.
 */
export function oracleErrors(A: Matrix, budget: number, rng: Rng, options: DecompositionOptions = defaultDecomposition): { errors: Record<Approximation, number>; steps: DecompositionStep[] } {
  const N = A.rows, total = norm(A);
  const half = Math.min(N, Math.floor(budget / 2)), rest = Math.min(N, budget - Math.floor(budget / 2));
  const lowRank = norm(minus(A, truncated(A, Math.min(budget, N), rng))) / total;
  const sparse = norm(minus(A, topPerRow(A, Math.min(budget, N)))) / total;
  const steps: DecompositionStep[] = [];
  let both = Infinity;
  for (const start of decompositionStarts) {
    let S = start === "sparse first" ? topPerRow(A, half) : matrix(A.rows, A.cols);
    const state: { V?: Matrix } = {};
    let previous = NaN, error = NaN;
    for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
      const L = lowRankStep(minus(A, S), rest, state, rng);
      const R = minus(A, L);
      S = topPerRow(R, half);
      error = distance(R, S) / total;
      const change = Math.abs(error - previous);
      const converged = meetsStoppingRule(error, change, options);
      steps.push({ start, iteration, error, change, converged });
      if (converged) break;
      previous = error;
    }
    both = Math.min(both, error);
  }
  return { errors: { sparse, "low-rank": lowRank, "sparse+low-rank": both }, steps };
}

export interface ProbeOptions {
  /** Also compute the oracle family (several SVDs of the N × N matrix per temperature). */
  oracle: boolean;
  /** Stopping rule of the oracle's alternating projections (default `defaultDecomposition`). */
  decomposition?: DecompositionOptions;
  /** Receives the oracle decomposition's iterations at each temperature. */
  onDecomposition?: (temperature: number, steps: DecompositionStep[]) => void;
}

/**
 * Errors of the approximations of A = softmax(Q Kᵀ / (τ √d)) at each temperature τ, with a
 * per-query budget b. Fresh random features are drawn from `rng` for each temperature.
 */
export function scatterbrainProbe(Q: Matrix, K: Matrix, temperatures: readonly number[], budget: number, rng: Rng, options: ProbeOptions): ProbePoint[] {
  const { rows: N, cols: d } = Q;
  const logits = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += Q.data[i * d + c] * K.data[j * d + c];
      logits[i * N + j] = dot;
    }
  }
  // Each query's keys by decreasing logit: the top-k support for any k, at any temperature.
  const order: Int32Array[] = [];
  for (let i = 0; i < N; i++) {
    const idx = Int32Array.from({ length: N }, (_, j) => j);
    idx.sort((a, b) => logits[i * N + b] - logits[i * N + a]);
    order.push(idx);
  }
  const kSparse = Math.min(N, budget), kMixed = Math.min(N, Math.floor(budget / 2));
  const mLow = budget, mMixed = Math.max(1, budget - Math.floor(budget / 2));
  const points: ProbePoint[] = [];
  const A = matrix(N, N), approx = new Float64Array(N);
  for (const tau of temperatures) {
    const s = 1 / (tau * Math.sqrt(d));
    const Wlow = orthogonalFeatures(mLow, d, rng), Wmix = orthogonalFeatures(mMixed, d, rng);
    const low = { q: features(Q, s, Wlow, mLow), k: features(K, s, Wlow, mLow), m: mLow };
    const mix = { q: features(Q, s, Wmix, mMixed), k: features(K, s, Wmix, mMixed), m: mMixed };
    const err: Record<string, number> = {};
    let total = 0, entropy = 0;
    for (let i = 0; i < N; i++) {
      const exact = A.data.subarray(i * N, (i + 1) * N);
      for (let j = 0; j < N; j++) exact[j] = s * logits[i * N + j];
      normaliseRow(exact);
      for (let j = 0; j < N; j++) {
        total += exact[j] ** 2;
        if (exact[j] > 0) entropy -= exact[j] * Math.log(exact[j]);
      }
      for (const method of approximations) {
        if (method === "sparse") {
          approx.fill(-Infinity);
          for (let t = 0; t < kSparse; t++) approx[order[i][t]] = s * logits[i * N + order[i][t]];
        } else {
          const f = method === "low-rank" ? low : mix;
          estimateRow(f.q, f.k, i, f.m, approx);
          // Scatterbrain's sparse correction: exact values on the support, the estimate elsewhere.
          if (method === "sparse+low-rank") for (let t = 0; t < kMixed; t++) approx[order[i][t]] = s * logits[i * N + order[i][t]];
        }
        normaliseRow(approx);
        let e = 0;
        for (let j = 0; j < N; j++) e += (approx[j] - exact[j]) ** 2;
        err[method] = (err[method] ?? 0) + e;
      }
    }
    const H = entropy / N / Math.log(N);
    for (const method of approximations) {
      points.push({ family: "random features", temperature: tau, entropy: H, method, error: Math.sqrt(err[method] / total) });
    }
    if (options.oracle) {
      const o = oracleErrors(A, budget, rng, options.decomposition);
      options.onDecomposition?.(tau, o.steps);
      for (const method of approximations) points.push({ family: "oracle", temperature: tau, entropy: H, method, error: o.errors[method] });
    }
  }
  return points;
}
