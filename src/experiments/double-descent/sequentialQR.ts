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
  /**
   * appendRows' work arrays, kept from call to call: made afresh each time, arrays this large
   * come as fresh pages from the system, and touching those costs more than the arithmetic on
   * them where page faults are slow.
   */
  scratch?: Float64Array;
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
  qr.scratch ??= new Float64Array(NB2 + cols + 2 * NB2 * NB2 + 4 + 2 * NB2 * cols);
  const tau = qr.scratch.subarray(0, NB2), w = qr.scratch.subarray(NB2, NB2 + cols), work = qr.scratch.subarray(NB2 + cols);
  for (let C0 = 0; C0 < k; C0 += NB2) {
    const C1 = Math.min(k, C0 + NB2);
    for (let c0 = C0; c0 < C1; c0 += NB) {
      const c1 = Math.min(C1, c0 + NB);
      for (let c = c0; c < c1; c++) tau[c - C0] = reflect(W, B, count, cols, c, c1, w);
      if (c1 < C1) applyPanel(W, B, count, cols, c0, c1, C1, tau.subarray(c0 - C0, c1 - C0), work);
    }
    if (C1 < cols) applyPanel(W, B, count, cols, C0, C1, cols, tau, work);
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
  const j4 = end - ((end - j0) % 4);
  dotColumns4(W, B, count, cols, c, j0, j4, w);
  dotColumns1(W, B, count, cols, c, j4, end, w);
  for (let j = j0; j < end; j++) {
    w[j] *= tau;
    W[rc + j] -= w[j];
  }
  updateColumns4(B, count, cols, c, j0, j4, w);
  updateColumns1(B, count, cols, c, j4, end, w);
  return tau;
}

/**
 * w[j] = R[c, j] + Σ_i B[i, c] B[i, j] for j0 ≤ j < j4 (a multiple of 4 apart), four columns per
 * pass over the rows. Each sum runs over i in order, as one row at a time did; the terms of rows
 * with B[i, c] = 0, which that skipped, add ±0 (B being finite), which changes no sum here: the
 * sum starts from an entry of W, and those start at +0 (or √λ) and change only by x − y, which is
 * −0 only for x = −0, so no entry of W, and no sum started from one, is ever −0.
 */
function dotColumns4(W: Float64Array, B: Float64Array, count: number, cols: number, c: number, j0: number, j4: number, w: Float64Array): void {
  const rc = c * cols;
  for (let j = j0; j < j4; j += 4) {
    let s0 = W[rc + j], s1 = W[rc + j + 1], s2 = W[rc + j + 2], s3 = W[rc + j + 3];
    for (let i = 0, o = 0; i < count; i++, o += cols) {
      const a = B[o + c];
      s0 += a * B[o + j];
      s1 += a * B[o + j + 1];
      s2 += a * B[o + j + 2];
      s3 += a * B[o + j + 3];
    }
    w[j] = s0; w[j + 1] = s1; w[j + 2] = s2; w[j + 3] = s3;
  }
}

/** The same for the columns j4 ≤ j < end, one at a time. */
function dotColumns1(W: Float64Array, B: Float64Array, count: number, cols: number, c: number, j4: number, end: number, w: Float64Array): void {
  const rc = c * cols;
  for (let j = j4; j < end; j++) {
    let s = W[rc + j];
    for (let i = 0, o = 0; i < count; i++, o += cols) s += B[o + c] * B[o + j];
    w[j] = s;
  }
}

/**
 * B[i, j] −= B[i, c] w[j] for j0 ≤ j < j4 (a multiple of 4 apart), four columns per pass over
 * the rows, and only in rows with B[i, c] ≠ 0 (as before: there an update by ±0 could turn a −0
 * of B into +0).
 */
function updateColumns4(B: Float64Array, count: number, cols: number, c: number, j0: number, j4: number, w: Float64Array): void {
  for (let j = j0; j < j4; j += 4) {
    const w0 = w[j], w1 = w[j + 1], w2 = w[j + 2], w3 = w[j + 3];
    for (let i = 0, o = 0; i < count; i++, o += cols) {
      const a = B[o + c];
      if (a !== 0) {
        B[o + j] -= a * w0;
        B[o + j + 1] -= a * w1;
        B[o + j + 2] -= a * w2;
        B[o + j + 3] -= a * w3;
      }
    }
  }
}

/** The same for the columns j4 ≤ j < end, one at a time. */
function updateColumns1(B: Float64Array, count: number, cols: number, c: number, j4: number, end: number, w: Float64Array): void {
  for (let j = j4; j < end; j++) {
    const wj = w[j];
    for (let i = 0, o = 0; i < count; i++, o += cols) {
      const a = B[o + c];
      if (a !== 0) B[o + j] -= a * wj;
    }
  }
}

/**
 * Columns c1 … end−1 of [W; B] ← (H_{c1−1} ⋯ H_{c0}) [W; B] = (I − V Tᵀ Vᵀ)[W; B], with V's
 * top block the unit vectors of rows c0 … c1−1 and its bottom block V_B = B[:, c0:c1].
 */
function applyPanel(W: Float64Array, B: Float64Array, count: number, cols: number, c0: number, c1: number, end: number, tau: Float64Array, work: Float64Array): void {
  const nb = c1 - c0, t = end - c1;
  const G = work.subarray(0, nb * nb), Tt = work.subarray(nb * nb, 2 * nb * nb + 4);
  const Y = work.subarray(2 * nb * nb + 4, 2 * nb * nb + 4 + nb * t), Z = work.subarray(2 * nb * nb + 4 + nb * t, 2 * nb * nb + 4 + 2 * nb * t);
  // T upper triangular, T[j,j] = τ_j, T[:j, j] = −τ_j T[:j,:j] (V_Bᵀ v_j)   (LAPACK dlarft, forward).
  G.fill(0); // V_Bᵀ V_B
  _gemm(nb, nb, count, 1, B, c0, 1, cols, B, c0, cols, G, 0, nb);
  // T is held transposed, Tt[j·nb + i] = T[i, j], and the sums Σ_{l=i}^{j−1} T[i,l] G[l,j] of
  // column j run four rows i at a time (four independent chains instead of one). Each is summed
  // over l in order from +0 as before; rows i + r start at l = i, over T's zeros below the
  // diagonal, and +0 + (±0) = +0, so every sum keeps its value. 4 spare entries: the reads past
  // the last row feed only sums that are never stored.
  Tt.fill(0);
  for (let j = 0; j < nb; j++) {
    for (let i = 0; i < j; i += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let l = i; l < j; l++) {
        const g = G[l * nb + j], tl = l * nb + i;
        s0 += Tt[tl] * g;
        s1 += Tt[tl + 1] * g;
        s2 += Tt[tl + 2] * g;
        s3 += Tt[tl + 3] * g;
      }
      const tj = j * nb + i, f = -tau[j];
      Tt[tj] = f * s0;
      if (i + 1 < j) Tt[tj + 1] = f * s1;
      if (i + 2 < j) Tt[tj + 2] = f * s2;
      if (i + 3 < j) Tt[tj + 3] = f * s3;
    }
    Tt[j * nb + j] = tau[j];
  }
  // Y = Vᵀ [W; B] on the trailing columns: the top rows of W plus V_Bᵀ B; then Z = Tᵀ Y.
  for (let i = 0; i < nb; i++) Y.set(W.subarray((c0 + i) * cols + c1, (c0 + i) * cols + end), i * t);
  _gemm(nb, t, count, 1, B, c0, 1, cols, B, c1, cols, Y, 0, t);
  Z.fill(0);
  _gemm(nb, t, nb, 1, Tt, 0, nb, 1, Y, 0, t, Z, 0, t);
  for (let i = 0; i < nb; i++) {
    const o = (c0 + i) * cols + c1, zi = i * t;
    for (let j = 0; j < t; j++) W[o + j] -= Z[zi + j];
  }
  _gemm(count, t, nb, -1, B, c0, cols, 1, Z, 0, t, B, c1, cols);
}

/*
 * The triangular solves below take the terms of R two entries of a row at a time where both are
 * nonzero: X[i] − r₀X[j] − r₁X[j+1], evaluated left to right, is the same arithmetic as two
 * steps of one, and the pair shares its loads. Zero entries of R are skipped as one at a time
 * skipped them (the rarer paths are calls, so the optimised loops never meet an unseen path).
 */

/** X ← R[:p,:p]⁻¹ X, X row-major p × q (back substitution). */
export function solveR(qr: SequentialQR, p: number, X: Float64Array, q: number): Float64Array {
  const { W } = qr;
  const cols = qr.k + qr.extra;
  for (let i = p - 1; i >= 0; i--) {
    const ri = i * cols, xi = i * q;
    for (let j = i + 1; j < p; j += 2) {
      const r0 = W[ri + j], r1 = j + 1 < p ? W[ri + j + 1] : 0;
      const x0 = j * q, x1 = x0 + q;
      if (r0 !== 0 && r1 !== 0) {
        for (let c = 0; c < q; c++) X[xi + c] = X[xi + c] - r0 * X[x0 + c] - r1 * X[x1 + c];
      } else {
        subtractRow(X, xi, r0, X, x0, q);
        subtractRow(X, xi, r1, X, x1, q);
      }
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
    for (let j = i + 1; j < p; j += 2) {
      const r0 = W[ri + j], r1 = j + 1 < p ? W[ri + j + 1] : 0;
      const x0 = j * q, x1 = x0 + q;
      if (r0 !== 0 && r1 !== 0) {
        for (let c = 0; c < q; c++) {
          const v = X[xi + c];
          X[x0 + c] -= r0 * v;
          X[x1 + c] -= r1 * v;
        }
      } else {
        subtractRow(X, x0, r0, X, xi, q);
        subtractRow(X, x1, r1, X, xi, q);
      }
    }
  }
  return X;
}

/** X[o + c] −= r·V[v + c] for c < q, unless r = 0. */
function subtractRow(X: Float64Array, o: number, r: number, V: Float64Array, v: number, q: number): void {
  if (r !== 0) for (let c = 0; c < q; c++) X[o + c] -= r * V[v + c];
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
 *
 * Rx, Rᵀy and the forward substitution take several rows of R per pass, which shortens the
 * dependency chains and the passes over x without changing any sum: each is still accumulated
 * term by term in the order of the one-row loops (written (s + a) + b, never s + (a + b)), and
 * a row that joins a pass before its diagonal adds only R's exact zeros below the diagonal to a
 * sum that is still +0, or ±0 to a nonzero sum, which leave it as it was.
 */
export function conditionEstimate(qr: SequentialQR, p: number, steps = 12): number {
  const { W } = qr;
  const cols = qr.k + qr.extra;
  const x = new Float64Array(p), y = new Float64Array(p);
  // The loops are functions of their own, not closures made per call: V8 then optimises each
  // once, where inlined closures were new call targets on every call and deoptimised it.
  startVector(x, p);
  let big = 0;
  for (let it = 0; it < steps; it++) {
    multiplyRtR(W, cols, p, x, y);
    big = Math.sqrt(normalise(x, p));
  }
  startVector(x, p);
  let small = 0;
  for (let it = 0; it < steps; it++) {
    solveRtRInPlace(W, cols, p, x);
    small = 1 / Math.sqrt(normalise(x, p));
  }
  return big / small;
}

/** x = (1 + i/p)_i, normalised: deterministic, and in practice not orthogonal to any singular vector. */
function startVector(x: Float64Array, p: number): void {
  for (let i = 0; i < p; i++) x[i] = 1 + i / p;
  normalise(x, p);
}

/** x ← x/‖x‖ on its first p entries; returns ‖x‖. */
function normalise(v: Float64Array, p: number): number {
  let s = 0;
  for (let i = 0; i < p; i++) s += v[i] * v[i];
  s = Math.sqrt(s);
  for (let i = 0; i < p; i++) v[i] /= s;
  return s;
}

// Each loop nest below is a function of its own, with nothing after it: V8 compiles a long loop
// on the fly (on-stack replacement) with the type feedback gathered so far, and code after the
// loop that had not run yet then deoptimised it on every call.

/** x ← Rᵀ(R x) with R = W[:p, :p] (y: scratch). */
function multiplyRtR(W: Float64Array, cols: number, p: number, x: Float64Array, y: Float64Array): void {
  const p4 = p - (p % 4);
  multiplyR4(W, cols, p, p4, x, y);
  multiplyR1(W, cols, p, p4, x, y);
  x.fill(0, 0, p);
  multiplyRt4(W, cols, p, p4, y, x);
  multiplyRt1(W, cols, p, p4, y, x);
}

/** y[i] = Σ_{j ≥ i} R[i,j] x[j] for i < p4, four rows at a time. */
function multiplyR4(W: Float64Array, cols: number, p: number, p4: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < p4; i += 4) {
    const o0 = i * cols, o1 = o0 + cols, o2 = o1 + cols, o3 = o2 + cols;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = i; j < p; j++) {
      const xj = x[j];
      s0 += W[o0 + j] * xj;
      s1 += W[o1 + j] * xj;
      s2 += W[o2 + j] * xj;
      s3 += W[o3 + j] * xj;
    }
    y[i] = s0; y[i + 1] = s1; y[i + 2] = s2; y[i + 3] = s3;
  }
}

/** The same for the rows p4 ≤ i < p, one at a time. */
function multiplyR1(W: Float64Array, cols: number, p: number, p4: number, x: Float64Array, y: Float64Array): void {
  for (let i = p4; i < p; i++) {
    let s = 0;
    const o = i * cols;
    for (let j = i; j < p; j++) s += W[o + j] * x[j];
    y[i] = s;
  }
}

/** x[j] += Σ_i R[i,j] y[i] over the rows i < p4, four rows at a time. */
function multiplyRt4(W: Float64Array, cols: number, p: number, p4: number, y: Float64Array, x: Float64Array): void {
  for (let i = 0; i < p4; i += 4) {
    const o0 = i * cols, o1 = o0 + cols, o2 = o1 + cols, o3 = o2 + cols;
    const y0 = y[i], y1 = y[i + 1], y2 = y[i + 2], y3 = y[i + 3];
    for (let j = i; j < p; j++) x[j] = x[j] + W[o0 + j] * y0 + W[o1 + j] * y1 + W[o2 + j] * y2 + W[o3 + j] * y3;
  }
}

/** The same over the rows p4 ≤ i < p, one at a time. */
function multiplyRt1(W: Float64Array, cols: number, p: number, p4: number, y: Float64Array, x: Float64Array): void {
  for (let i = p4; i < p; i++) {
    const o = i * cols, yi = y[i];
    for (let j = i; j < p; j++) x[j] += W[o + j] * yi;
  }
}

/** x ← R⁻¹(R⁻ᵀ x) with R = W[:p, :p]. */
function solveRtRInPlace(W: Float64Array, cols: number, p: number, x: Float64Array): void {
  const p2 = p - (p % 2);
  forward2(W, cols, p, p2, x);
  forward1(W, cols, p, p2, x);
  backward(W, cols, p, x);
}

/** x ← R⁻ᵀ x on the rows i < p2 (forward substitution by rows of R), two rows at a time. */
function forward2(W: Float64Array, cols: number, p: number, p2: number, x: Float64Array): void {
  for (let i = 0; i < p2; i += 2) {
    const o0 = i * cols, o1 = o0 + cols;
    const x0 = (x[i] /= W[o0 + i]);
    const x1 = (x[i + 1] = (x[i + 1] - W[o0 + i + 1] * x0) / W[o1 + i + 1]);
    for (let j = i + 2; j < p; j++) x[j] = x[j] - W[o0 + j] * x0 - W[o1 + j] * x1;
  }
}

/** The same for the rows p2 ≤ i < p, one at a time. */
function forward1(W: Float64Array, cols: number, p: number, p2: number, x: Float64Array): void {
  for (let i = p2; i < p; i++) {
    const o = i * cols;
    const xi = (x[i] /= W[o + i]);
    for (let j = i + 1; j < p; j++) x[j] -= W[o + j] * xi;
  }
}

/** x ← R⁻¹ x (back substitution). */
function backward(W: Float64Array, cols: number, p: number, x: Float64Array): void {
  for (let i = p - 1; i >= 0; i--) {
    const o = i * cols;
    let s = x[i];
    for (let j = i + 1; j < p; j++) s -= W[o + j] * x[j];
    x[i] = s / W[o + i];
  }
}
