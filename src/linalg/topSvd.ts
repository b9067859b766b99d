import { _bidiagonalize } from "./bidiagonalize.js";
import { _bidiagonalSvd, LEAF } from "./bidiagonalSvd.js";
import { _bidiagonalValues, _bidiagonalVectors } from "./golubKahan.js";
import type { Matrix } from "./matrix.js";
import { _qrFactor } from "./qr.js";
import { _applyReflectors } from "./reflectors.js";
import { QR_FIRST, _svdTall, _viaTall, type SVD } from "./svd.js";

/**
 * Below this ratio σ_k / σ₁ the top-k vectors come from the full bidiagonal SVD instead: inverse
 * iteration on the Golub–Kahan form would find +σ and −σ (2σ apart) in one cluster.
 */
const SMALL_SIGMA = 1e-3;

/**
 * Every singular value of M and only its top k singular vectors: U m × k, S of length min(m, n)
 * (descending, all of them), V n × k. The same reduction as `svd` (a QR step for tall inputs,
 * Householder bidiagonalisation, the transformations applied back), but the bidiagonal's values
 * come from O(n²) tridiagonal QL and its k vectors from inverse iteration (golubKahan.ts), where
 * `svd` runs divide and conquer with all n vectors and applies the transformations to n columns:
 * for k ≪ n it skips about two thirds of `svd`'s work, with the accuracy of a full SVD (unlike a
 * randomized SVD, whose top vectors degrade when σ_k / σ_{k+1} is near 1). Trusts its arguments:
 * M finite, 1 ≤ k ≤ min(m, n).
 */
export function _topSvd(M: Matrix, k: number): SVD {
  return _viaTall(M, (F, m, n) => topTall(F, m, n, k));
}

/** The row-major m × n array F, m ≥ n, overwritten. */
function topTall(F: Float64Array, m: number, n: number, k: number): SVD {
  if (n <= LEAF) {
    const full = _svdTall(F, m, n);
    return { U: firstCols(full.U, k), S: full.S, V: firstCols(full.V, k) };
  }
  if (m >= QR_FIRST * n) {
    const H = _qrFactor(F, m, n); // A = Q [R; 0]
    const R = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) R[i * n + j] = F[i * n + j];
    const inner = topTall(R, n, n, k);
    const U = new Float64Array(m * k);
    U.set(inner.U.data);
    _applyReflectors(H, U, 0, k, k, false);
    return { U: { rows: m, cols: k, data: U }, S: inner.S, V: inner.V };
  }
  const B = _bidiagonalize(F, m, n);
  const S = _bidiagonalValues(B.d, B.e, n);
  const U = new Float64Array(m * k), V = new Float64Array(n * k);
  if (S[k - 1] > SMALL_SIGMA * S[0]) {
    const b = _bidiagonalVectors(B.d, B.e, n, S.subarray(0, k));
    U.set(b.U);
    V.set(b.V);
  } else {
    const { U: Ub, V: Vb } = _bidiagonalSvd(B.d, B.e, n); // ascending: the top k are the last columns
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        U[i * k + j] = Ub[i * n + n - 1 - j];
        V[i * k + j] = Vb[i * n + n - 1 - j];
      }
    }
  }
  _applyReflectors(B.left, U, 0, k, k, false);
  _applyReflectors(B.right, V, 0, k, k, false);
  return { U: { rows: m, cols: k, data: U }, S, V: { rows: n, cols: k, data: V } };
}

function firstCols(M: Matrix, k: number): Matrix {
  const out = new Float64Array(M.rows * k);
  for (let i = 0; i < M.rows; i++) out.set(M.data.subarray(i * M.cols, i * M.cols + k), i * k);
  return { rows: M.rows, cols: k, data: out };
}
