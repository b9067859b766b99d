/**
 * Householder QR built one block of rows at a time, in Float64. This is the one factorisation
 * behind every least-squares and minimum-norm solve of the experiment.
 *
 * State: for the rows [A | E] appended so far (A has k columns, E carries `extra` columns along:
 * right-hand sides or test-set features), W = [R | C] = Q₁ᵀ[A | E], k × (k + extra) row-major,
 * R upper triangular. Appending a block B of rows zeroes B's first k columns against R with k
 * Householder reflectors, each acting only on row c of W and the rows of B (Golub & Van Loan,
 * "Matrix Computations", §6.5, updating QR by adding rows). What is left of B's carried columns
 * has left the range of A for good: its squared norm is the least-squares residual.
 *
 * Why this instead of the normal equations AᵀA x = Aᵀy: only orthogonal transformations and
 * triangular solves touch the data, so the error is about ε·κ(A), never ε·κ(A)²; near the
 * interpolation threshold κ(A) reaches 10⁵ and more, which squared would leave nothing.
 * Why rows at a time: the experiment's sweeps are nested (more features, or more samples, are
 * more rows of the same matrix), so one pass yields the factorisation at every grid point for
 * the price of the largest one.
 */

import { _gemm } from "../../linalg/gemm.js";

export interface SequentialQR {
  /** Columns being factored: the dimension of the solve. */
  k: number;
  /** Carried columns, transformed with the rows but not factored. */
  extra: number;
  /** [R | C], row-major k × (k + extra). */
  W: Float64Array;
  /** Rows appended so far (not counting the ridge rows). */
  rows: number;
  /** Per carried column, the squared norm pushed out of the top block: the residual ‖(I − Q₁Q₁ᵀ)E‖². */
  residual2: Float64Array;
}

/**
 * An empty factorisation. With `ridge` = λ > 0 it starts from the rows √λ·I (and zeros in the
 * carried columns): then RᵀR = AᵀA + λI, the ridge system, still reached without forming AᵀA.
 */
export function sequentialQR(k: number, extra: number, ridge = 0): SequentialQR {
  const cols = k + extra;
  const W = new Float64Array(k * cols);
  if (ridge > 0) {
    const s = Math.sqrt(ridge);
    for (let c = 0; c < k; c++) W[c * cols + c] = s;
  }
  return { k, extra, W, rows: 0, residual2: new Float64Array(extra) };
}

const NB = 16; // reflectors factored column by column, updating only their panel
const NB2 = 128; // reflectors whose compact-WY form updates the rest of the row in two products

/**
 * Appends `count` rows held row-major in `B` (count × (k + extra)); B is overwritten (its first k
 * columns end up holding the reflector vectors).
 *
 * Reflector c maps (R[c,c], B[0,c] … B[count-1,c]) onto (β, 0 … 0) in LAPACK's dlarfg convention
 * (β has the sign opposite to R[c,c], so nothing cancels). Its vector is 1 at row c of the top
 * block and v = B[:,c]/(R[c,c] − β) below, so the vectors of a panel are orthogonal in the top
 * block and their compact-WY form H₁⋯H_b = I − V T Vᵀ (Schreiber & Van Loan 1989) needs only
 * V_Bᵀ V_B. Two levels, as LAPACK blocks its QR: panels of NB columns are factored one reflector at
 * a time and applied to the rest of their NB2-wide block; each NB2 block is then applied to the
 * rest of the row by two matrix products (linalg's WebAssembly kernel): the same flops as
 * reflector-by-reflector updates, several times faster.
 */
export function appendRows(qr: SequentialQR, B: Float64Array, count: number): void {
  const { k, extra, W } = qr;
  const cols = k + extra;
  const tau = new Float64Array(NB2);
  const w = new Float64Array(cols);
  for (let C0 = 0; C0 < k; C0 += NB2) {
    const C1 = Math.min(k, C0 + NB2);
    for (let c0 = C0; c0 < C1; c0 += NB) {
      const c1 = Math.min(C1, c0 + NB);
      for (let c = c0; c < c1; c++) tau[c - C0] = reflect(W, B, count, cols, c, c1, w);
      if (c1 < C1) applyPanel(W, B, count, cols, c0, c1, C1, tau.subarray(c0 - C0, c1 - C0));
    }
    if (C1 < cols) applyPanel(W, B, count, cols, C0, C1, cols, tau);
  }
  for (let i = 0; i < count; i++) {
    for (let e = 0; e < extra; e++) qr.residual2[e] += B[i * cols + k + e] ** 2;
  }
  qr.rows += count;
}

/** Builds reflector c (returns τ, leaves v in B[:,c]) and applies it to columns c+1 … end−1. */
function reflect(W: Float64Array, B: Float64Array, count: number, cols: number, c: number, end: number, w: Float64Array): number {
  let sig = 0;
  for (let i = 0; i < count; i++) sig += B[i * cols + c] ** 2;
  if (sig === 0) return 0; // this column of B is already zero: H = I
  const rc = c * cols;
  const x0 = W[rc + c];
  const beta = -Math.sign(x0 || 1) * Math.sqrt(x0 * x0 + sig);
  const tau = (beta - x0) / beta;
  const inv = 1 / (x0 - beta);
  for (let i = 0; i < count; i++) B[i * cols + c] *= inv;
  W[rc + c] = beta;
  const j0 = c + 1;
  if (j0 >= end) return tau;
  for (let j = j0; j < end; j++) w[j] = W[rc + j];
  for (let i = 0; i < count; i++) {
    const a = B[i * cols + c], o = i * cols;
    if (a !== 0) for (let j = j0; j < end; j++) w[j] += a * B[o + j];
  }
  for (let j = j0; j < end; j++) {
    w[j] *= tau;
    W[rc + j] -= w[j];
  }
  for (let i = 0; i < count; i++) {
    const a = B[i * cols + c], o = i * cols;
    if (a !== 0) for (let j = j0; j < end; j++) B[o + j] -= a * w[j];
  }
  return tau;
}

/**
 * Columns c1 … end−1 of [W; B] ← (H_{c1−1} ⋯ H_{c0}) [W; B] = (I − V Tᵀ Vᵀ)[W; B], with V's
 * top block the unit vectors of rows c0 … c1−1 and its bottom block V_B = B[:, c0:c1].
 */
function applyPanel(W: Float64Array, B: Float64Array, count: number, cols: number, c0: number, c1: number, end: number, tau: Float64Array): void {
  const nb = c1 - c0, t = end - c1;
  // T upper triangular, T[j,j] = τ_j, T[:j, j] = −τ_j T[:j,:j] (V_Bᵀ v_j)   (LAPACK dlarft, forward).
  const G = new Float64Array(nb * nb); // V_Bᵀ V_B
  _gemm(nb, nb, count, 1, B, c0, 1, cols, B, c0, cols, G, 0, nb);
  const T = new Float64Array(nb * nb);
  for (let j = 0; j < nb; j++) {
    for (let i = 0; i < j; i++) {
      let acc = 0;
      for (let l = i; l < j; l++) acc += T[i * nb + l] * G[l * nb + j];
      T[i * nb + j] = -tau[j] * acc;
    }
    T[j * nb + j] = tau[j];
  }
  // Y = Vᵀ [W; B] on the trailing columns: the top rows of W plus V_Bᵀ B; then Z = Tᵀ Y.
  const Y = new Float64Array(nb * t);
  for (let i = 0; i < nb; i++) Y.set(W.subarray((c0 + i) * cols + c1, (c0 + i) * cols + end), i * t);
  _gemm(nb, t, count, 1, B, c0, 1, cols, B, c1, cols, Y, 0, t);
  const Z = new Float64Array(nb * t);
  _gemm(nb, t, nb, 1, T, 0, 1, nb, Y, 0, t, Z, 0, t);
  for (let i = 0; i < nb; i++) {
    const o = (c0 + i) * cols + c1, zi = i * t;
    for (let j = 0; j < t; j++) W[o + j] -= Z[zi + j];
  }
  _gemm(count, t, nb, -1, B, c0, cols, 1, Z, 0, t, B, c1, cols);
}

/** X ← R[:p,:p]⁻¹ X, X row-major p × q (back substitution). */
export function solveR(qr: SequentialQR, p: number, X: Float64Array, q: number): Float64Array {
  const { W } = qr;
  const cols = qr.k + qr.extra;
  for (let i = p - 1; i >= 0; i--) {
    const ri = i * cols, xi = i * q;
    for (let j = i + 1; j < p; j++) {
      const r = W[ri + j];
      if (r === 0) continue;
      const xj = j * q;
      for (let c = 0; c < q; c++) X[xi + c] -= r * X[xj + c];
    }
    const d = W[ri + i];
    for (let c = 0; c < q; c++) X[xi + c] /= d;
  }
  return X;
}

/** X ← R[:p,:p]⁻ᵀ X, X row-major p × q (forward substitution with Rᵀ, by rows of R). */
export function solveRt(qr: SequentialQR, p: number, X: Float64Array, q: number): Float64Array {
  const { W } = qr;
  const cols = qr.k + qr.extra;
  for (let i = 0; i < p; i++) {
    const ri = i * cols, xi = i * q;
    const d = W[ri + i];
    for (let c = 0; c < q; c++) X[xi + c] /= d;
    for (let j = i + 1; j < p; j++) {
      const r = W[ri + j];
      if (r === 0) continue;
      const xj = j * q;
      for (let c = 0; c < q; c++) X[xj + c] -= r * X[xi + c];
    }
  }
  return X;
}

/** The carried block C[:p, e0:e1] as a new row-major p × (e1 − e0) array. */
export function carried(qr: SequentialQR, p: number, e0 = 0, e1 = qr.extra): Float64Array {
  const cols = qr.k + qr.extra;
  const q = e1 - e0;
  const out = new Float64Array(p * q);
  for (let i = 0; i < p; i++) out.set(qr.W.subarray(i * cols + qr.k + e0, i * cols + qr.k + e1), i * q);
  return out;
}

/**
 * An estimate of κ(R[:p,:p]) = σ_max/σ_min (= κ of the rows factored so far), by power iteration
 * on RᵀR and inverse power iteration with triangular solves: p² work per step, no SVD. Both
 * iterations approach their singular value from inside, so this is a lower bound on κ that
 * converges to it (geometrically, at the rate of the gap to the next singular value).
 */
export function conditionEstimate(qr: SequentialQR, p: number, steps = 12): number {
  const { W } = qr;
  const cols = qr.k + qr.extra;
  const x = new Float64Array(p), y = new Float64Array(p);
  const restart = () => {
    for (let i = 0; i < p; i++) x[i] = 1 + i / p; // deterministic, and in practice not orthogonal to any singular vector
  };
  const normalise = (v: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < p; i++) s += v[i] * v[i];
    s = Math.sqrt(s);
    for (let i = 0; i < p; i++) v[i] /= s;
    return s;
  };
  restart();
  normalise(x);
  let big = 0;
  for (let it = 0; it < steps; it++) {
    for (let i = 0; i < p; i++) { // y = R x
      let s = 0;
      const o = i * cols;
      for (let j = i; j < p; j++) s += W[o + j] * x[j];
      y[i] = s;
    }
    x.fill(0);
    for (let i = 0; i < p; i++) { // x = Rᵀ y
      const o = i * cols, yi = y[i];
      for (let j = i; j < p; j++) x[j] += W[o + j] * yi;
    }
    big = Math.sqrt(normalise(x));
  }
  restart();
  normalise(x);
  let small = 0;
  for (let it = 0; it < steps; it++) {
    for (let i = 0; i < p; i++) { // x ← R⁻ᵀ x (forward substitution by rows of R)
      const o = i * cols;
      const xi = (x[i] /= W[o + i]);
      for (let j = i + 1; j < p; j++) x[j] -= W[o + j] * xi;
    }
    for (let i = p - 1; i >= 0; i--) { // x ← R⁻¹ x
      const o = i * cols;
      let s = x[i];
      for (let j = i + 1; j < p; j++) s -= W[o + j] * x[j];
      x[i] = s / W[o + i];
    }
    small = 1 / Math.sqrt(normalise(x));
  }
  return big / small;
}
