import { UsageError } from "../compute/usageError.js";
import { _requireFinite, _toMatrix } from "./checks.js";
import { _gemm } from "./gemm.js";
import type { Matrix, MatrixLike } from "./matrix.js";
import { qr } from "./qr.js";
import { svd } from "./svd.js";

const EPS = 2 ** -52;

/**
 * Principal angles (radians, ascending, in [0, π/2]) between the column spaces of A (m × p) and
 * B (m × q): min(rank A, rank B) of them. 0 means a shared direction, π/2 an orthogonal one.
 *
 * Björck & Golub (1973, "Numerical methods for computing angles between linear subspaces",
 * Math. Comp. 27(123)): orthonormal bases Qa, Qb, then the singular values of QaᵀQb are the
 * cosines, clamped to [0, 1]. Cosines cannot resolve angles below ~1e-8 (cos θ = 1 - θ²/2 rounds
 * to 1), so angles under π/4 come from the sines instead, the singular values of Qb - Qa(QaᵀQb)
 * (Knyazev & Argentati 2002, "Principal angles between subspaces in an A-based scalar product",
 * SIAM J. Sci. Comput. 23(6), Algorithm 3.1).
 */
export function principalAngles(A: MatrixLike, B: MatrixLike): Float64Array {
  const X = _toMatrix(A, "principalAngles", "A"), Y = _toMatrix(B, "principalAngles", "B");
  if (X.rows !== Y.rows) throw new UsageError(`principalAngles: A is [${X.rows}, ${X.cols}] but B is [${Y.rows}, ${Y.cols}]; both need the same number of rows (the ambient dimension)`);
  _requireFinite(X, "principalAngles", "A");
  _requireFinite(Y, "principalAngles", "B");
  let Qa = basis(X), Qb = basis(Y);
  if (Qa.cols < Qb.cols) [Qa, Qb] = [Qb, Qa]; // the sines below need dim span(Qa) ≥ dim span(Qb)
  const k = Qb.cols, m = Qa.rows, ka = Qa.cols;
  if (k === 0) return new Float64Array(0);
  const C = new Float64Array(ka * k); // Qaᵀ Qb
  _gemm(ka, k, m, 1, Qa.data, 0, 1, ka, Qb.data, 0, k, C, 0, k);
  const cos = svd({ rows: ka, cols: k, data: C }).S; // descending: smallest angles first
  const R = new Float64Array(Qb.data); // Qb - Qa (QaᵀQb)
  _gemm(m, k, ka, -1, Qa.data, 0, ka, 1, C, 0, k, R, 0, k);
  const sin = svd({ rows: m, cols: k, data: R }).S; // descending: largest angles first
  const angles = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const c = Math.min(1, cos[i]);
    const s = Math.min(1, sin[k - 1 - i]);
    angles[i] = c * c >= 0.5 ? Math.asin(s) : Math.acos(c);
  }
  return angles.sort();
}

/**
 * Orthonormal basis of the column space: Householder Q when A has full column rank, otherwise
 * the left singular vectors above a numpy-style rank tolerance (a rank-deficient A's Q would
 * carry directions that are not in its column space).
 */
function basis(A: Matrix): Matrix {
  const { Q, R } = qr(A);
  const k = R.rows;
  let maxDiag = 0, minDiag = Infinity;
  for (let i = 0; i < k; i++) {
    const r = Math.abs(R.data[i * R.cols + i]);
    maxDiag = Math.max(maxDiag, r);
    minDiag = Math.min(minDiag, r);
  }
  if (k === A.cols && minDiag > 1e3 * Math.max(A.rows, A.cols) * EPS * maxDiag) return Q;
  const { U, S } = svd(A);
  const tol = Math.max(A.rows, A.cols) * EPS * (S[0] ?? 0);
  let r = 0;
  while (r < S.length && S[r] > tol) r++;
  const out = new Float64Array(A.rows * r);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < r; j++) out[i * r + j] = U.data[i * U.cols + j];
  return { rows: A.rows, cols: r, data: out };
}
