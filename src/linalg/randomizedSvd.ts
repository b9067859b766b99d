import { rng as makeRng, type Rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import { _requireFinite, _requireInt, _toMatrix } from "./checks.js";
import { _gemm } from "./gemm.js";
import type { Matrix, MatrixLike } from "./matrix.js";
import { qr } from "./qr.js";
import { svd, type SVD } from "./svd.js";

/** Options of {@link randomizedSvd}. */
export interface RandomizedSvdOptions {
  /** Extra sample columns beyond k (p in Halko et al.); default 10, which §4.2 finds enough in practice. */
  oversample?: number;
  /** Power (subspace) iterations q; default 2. Each sharpens a slowly decaying spectrum (§4.5). */
  powerIters?: number;
  /** Source of the Gaussian test matrix; default `rng(0)`, so results are reproducible. */
  rng?: Rng;
}

/**
 * Approximate top-k SVD: U (m × k), S (k, descending), V (n × k), by the randomized range finder
 * with subspace iteration of Halko, Martinsson & Tropp (2011, "Finding structure with randomness",
 * SIAM Review 53(2), arXiv:0909.4061): Algorithm 4.4 builds an orthonormal Q whose span nearly
 * contains A's top-k left singular subspace, Algorithm 5.1 takes the exact SVD of the small QᵀA.
 * Cost O(mn(k+p)(2q+2)) instead of the full SVD's O(mn·min(m, n)). The error bound of their
 * Theorem 10.6 shrinks with σ_{k+1}/σ_k raised to the power 2q+1.
 */
export function randomizedSvd(A: MatrixLike, k: number, options: RandomizedSvdOptions = {}): SVD {
  const X = _toMatrix(A, "randomizedSvd", "A");
  _requireFinite(X, "randomizedSvd", "A");
  const { rows: m, cols: n } = X;
  _requireInt(k, "randomizedSvd", "k", 1, Math.max(1, Math.min(m, n)));
  if (Math.min(m, n) === 0) throw new UsageError(`randomizedSvd: A is [${m}, ${n}]; it needs at least one row and one column`);
  const oversample = _requireInt(options.oversample ?? 10, "randomizedSvd", "oversample", 0, 1e6);
  const powerIters = _requireInt(options.powerIters ?? 2, "randomizedSvd", "powerIters", 0, 1000);
  const rng = options.rng ?? makeRng(0);
  const l = Math.min(k + oversample, m, n);
  const Omega: Matrix = { rows: n, cols: l, data: rng.normals(n * l) }; // [n, l]
  let Q = qr(times(X, Omega)).Q; // [m, l]
  // Algorithm 4.4: re-orthonormalise after every product so rounding does not collapse the
  // columns onto the top singular vector.
  for (let q = 0; q < powerIters; q++) {
    const W = qr(timesT(X, Q)).Q; // [n, l]
    Q = qr(times(X, W)).Q;
  }
  const Bm = timesT(X, Q); // (QᵀA)ᵀ = AᵀQ  [n, l]
  const small = svd(Bm); // AᵀQ = Vb S Ubᵀ, so QᵀA = Ub S Vbᵀ
  const U: Matrix = { rows: m, cols: k, data: new Float64Array(m * k) };
  _gemm(m, k, l, 1, Q.data, 0, l, 1, firstCols(small.V, k).data, 0, k, U.data, 0, k); // Q Ub
  return { U, S: small.S.slice(0, k), V: firstCols(small.U, k) };
}

/** X Y for X [m, n], Y [n, l]. */
function times(X: Matrix, Y: Matrix): Matrix {
  const C = new Float64Array(X.rows * Y.cols);
  _gemm(X.rows, Y.cols, X.cols, 1, X.data, 0, X.cols, 1, Y.data, 0, Y.cols, C, 0, Y.cols);
  return { rows: X.rows, cols: Y.cols, data: C };
}

/** Xᵀ Y for X [m, n], Y [m, l]: an n × l matrix. */
function timesT(X: Matrix, Y: Matrix): Matrix {
  const C = new Float64Array(X.cols * Y.cols);
  _gemm(X.cols, Y.cols, X.rows, 1, X.data, 0, 1, X.cols, Y.data, 0, Y.cols, C, 0, Y.cols);
  return { rows: X.cols, cols: Y.cols, data: C };
}

function firstCols(M: Matrix, k: number): Matrix {
  const out = new Float64Array(M.rows * k);
  for (let i = 0; i < M.rows; i++) out.set(M.data.subarray(i * M.cols, i * M.cols + k), i * k);
  return { rows: M.rows, cols: k, data: out };
}
