import { _bidiagonalize } from "./bidiagonalize.js";
import { _bidiagonalSvd, LEAF } from "./bidiagonalSvd.js";
import { _requireFinite, _toMatrix } from "./checks.js";
import { _jacobiRows } from "./jacobiSvd.js";
import type { Matrix, MatrixLike } from "./matrix.js";
import { _qrFactor } from "./qr.js";
import { _applyReflectors } from "./reflectors.js";
import { _extremeScale } from "./scaling.js";

/** Thin singular value decomposition A = U diag(S) Vᵀ of an m × n matrix, k = min(m, n). */
export interface SVD {
  /** m × k, orthonormal columns: the left singular vectors. */
  U: Matrix;
  /** k singular values, descending, all ≥ 0 (zeros included). */
  S: Float64Array;
  /** n × k, orthonormal columns: the right singular vectors. */
  V: Matrix;
}

/** Tall inputs are first reduced to their R factor once m ≥ QR_FIRST · n (LAPACK uses 1.6). */
const QR_FIRST = 1.6;

/**
 * Thin SVD in Float64: `const { U, S, V } = svd(A)` with A (m × n) = U diag(S) Vᵀ, U m × k,
 * S of length k = min(m, n) descending, V n × k; U and V have orthonormal columns even where
 * singular values are zero or repeated. Accepts a Matrix, an array of rows or a 2-D tensor.
 *
 * Method, as LAPACK's dgesdd: Householder bidiagonalisation (after a QR step for tall inputs),
 * divide-and-conquer SVD of the bidiagonal (Gu & Eisenstat 1995), then the Householder
 * transformations applied back in blocks. Small problems (min(m, n) ≤ 24) go straight to
 * one-sided Jacobi. Backward stable: ‖A - U diag(S) Vᵀ‖ and ‖UᵀU - I‖ are a modest multiple of
 * machine epsilon (relative to ‖A‖).
 */
export function svd(A: MatrixLike): SVD {
  const M = _toMatrix(A, "svd", "A");
  _requireFinite(M, "svd", "A");
  const { rows: m, cols: n } = M;
  const scale = _extremeScale(M.data);
  let r: SVD;
  if (m >= n) {
    const F = Float64Array.from(M.data);
    if (scale !== 1) for (let i = 0; i < F.length; i++) F[i] *= scale;
    r = _svdTall(F, m, n);
  } else {
    // A wide A is the transpose of a tall one: Aᵀ = V S Uᵀ.
    const T = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) T[j * m + i] = scale * M.data[i * n + j];
    const t = _svdTall(T, n, m);
    r = { U: t.V, S: t.S, V: t.U };
  }
  if (scale !== 1) for (let i = 0; i < r.S.length; i++) r.S[i] /= scale;
  return r;
}
