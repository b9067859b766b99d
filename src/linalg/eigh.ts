import { UsageError } from "../compute/usageError.js";
import { _requireFinite, _toMatrix } from "./checks.js";
import type { Matrix, MatrixLike } from "./matrix.js";
import { _applyReflectors } from "./reflectors.js";
import { _extremeScale } from "./scaling.js";
import { _tridiagonalize } from "./tridiagonalize.js";

/** Result of {@link eigh}: A = vectors · diag(values) · vectorsᵀ. */
export interface Eigh {
  /** The n eigenvalues, descending. */
  values: Float64Array;
  /** n × n orthogonal; column j is the unit eigenvector of values[j]. */
  vectors: Matrix;
}

const EPS = 2 ** -52;
/** Largest asymmetry max|aᵢⱼ - aⱼᵢ| accepted, relative to max|aᵢⱼ|: rounding in AᵀA-style products stays far below. */
const SYMMETRY_TOL = 1e-10;

/**
 * Eigendecomposition of a real symmetric matrix: values descending, vectors as columns,
 * orthonormal to machine precision. Householder tridiagonalisation, then the implicit QL
 * iteration with Wilkinson's shift (the EISPACK tql2 scheme; Bowdler, Martin, Reinsch &
 * Wilkinson 1968, Numer. Math. 11), then the reflectors applied back in blocks.
 *
 * Throws a UsageError when A is not square, or not symmetric beyond rounding (max|aᵢⱼ - aⱼᵢ| >
 * 1e-10 · max|aᵢⱼ|); within that tolerance A is replaced by (A + Aᵀ)/2.
 */
export function eigh(A: MatrixLike): Eigh {
  const X = _toMatrix(A, "eigh", "A");
  const n = X.rows;
  if (X.cols !== n) throw new UsageError(`eigh: A is [${X.rows}, ${X.cols}]; it must be square (and symmetric)`);
  _requireFinite(X, "eigh", "A");
  const F = symmetrised(X);
  const scale = _extremeScale(F);
  if (scale !== 1) for (let i = 0; i < F.length; i++) F[i] *= scale;
  const T = _tridiagonalize(F, n);
  const d = T.d;
  const e = new Float64Array(n);
  e.set(T.e);
  const W = new Float64Array(n * n); // rows: eigenvectors of T
  for (let i = 0; i < n; i++) W[i * n + i] = 1;
  ql(d, e, W, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[b] - d[a]);
  const values = new Float64Array(n);
  const V = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    values[j] = d[order[j]] / scale;
    const src = order[j] * n;
    for (let i = 0; i < n; i++) V[i * n + j] = W[src + i];
  }
  _applyReflectors(T.Q, V, 0, n, n, false); // eigenvectors of A = Q · eigenvectors of T
  return { values, vectors: { rows: n, cols: n, data: V } };
}

function symmetrised(X: Matrix): Float64Array {
  const n = X.rows, a = X.data;
  let maxAbs = 0, worst = 0, wi = 0, wj = 0;
  for (let i = 0; i < n * n; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const diff = Math.abs(a[i * n + j] - a[j * n + i]);
    if (diff > worst) { worst = diff; wi = i; wj = j; }
  }
  if (worst > SYMMETRY_TOL * maxAbs) {
    throw new UsageError(`eigh: A is not symmetric: |A[${wi}][${wj}] - A[${wj}][${wi}]| = ${worst.toExponential(3)}, ` +
      `${(worst / maxAbs).toExponential(3)} relative to max|A| (allowed ${SYMMETRY_TOL}); use svd for non-symmetric matrices, or pass (A + Aᵀ)/2`);
  }
  const F = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) F[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  return F;
}

/**
 * Implicit QL on the tridiagonal (d, e with e[i] = T[i+1][i], e[n-1] = 0 on entry). Rotations
 * act on column pairs of the eigenvector matrix; storing it transposed (W, one eigenvector per
 * row) turns them into contiguous row operations.
 */
function ql(d: Float64Array, e: Float64Array, W: Float64Array, n: number): void {
  for (let l = 0; l < n; l++) {
    for (let iter = 0; ; iter++) {
      let m = l;
      for (; m < n - 1; m++) if (Math.abs(e[m]) <= EPS * (Math.abs(d[m]) + Math.abs(d[m + 1]))) break;
      if (m === l) break;
      if (iter >= 60) throw new Error(`eigh: QL iteration did not converge for eigenvalue ${l} (a bug in lowrank-lab)`);
      // Wilkinson-style shift from the leading 2×2 block, folded into the first rotation
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1, c = 1, p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i], b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) { // underflow: deflate and restart this eigenvalue
          d[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        const ri = i * n, rj = ri + n;
        for (let k = 0; k < n; k++) {
          const x = W[ri + k], y = W[rj + k];
          W[rj + k] = s * x + c * y;
          W[ri + k] = c * x - s * y;
        }
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}
