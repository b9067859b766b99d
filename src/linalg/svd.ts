import { _bidiagonalize } from "./bidiagonalize.js";
import { _bidiagonalSvd, _bidiagonalSvdResident, LEAF } from "./bidiagonalSvd.js";
import { _requireFinite, _toMatrix } from "./checks.js";
import { _jacobiRows } from "./jacobiSvd.js";
import type { Matrix, MatrixLike } from "./matrix.js";
import { _qrFactor } from "./qr.js";
import { _applyReflectors, _reflectorsScratch, _writesAfterReading, type LoadX } from "./reflectors.js";
import { _extremeScale } from "./scaling.js";
import { _heapRelease, _heapView } from "./wasm/kernels.js";

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
export const QR_FIRST = 1.6;

/**
 * Thin SVD in Float64: `const { U, S, V } = svd(A)` with A (m × n) = U diag(S) Vᵀ, U m × k,
 * S of length k = min(m, n) descending, V n × k; U and V have orthonormal columns even where
 * singular values are zero or repeated. Accepts a Matrix, an array of rows or a 2-D tensor.
 *
 * Method, as LAPACK's dgesdd: Householder bidiagonalisation (after a QR step for tall inputs),
 * divide-and-conquer SVD of the bidiagonal (Gu & Eisenstat 1995), then the Householder
 * transformations applied back in blocks. Small problems (min(m, n) ≤ 24) go straight to
 * one-sided Jacobi. Backward stable: ‖A - U diag(S) Vᵀ‖ and ‖UᵀU - I‖ are a modest multiple of
 * machine epsilon (relative to ‖A‖). The heavy loops run in WebAssembly SIMD where the runtime
 * has it (Node ≥ 16), in JavaScript otherwise; 1024 × 1024 takes about 1 s on one core.
 *
 * @example
 * const { U, S, V } = lab.linalg.svd([[3, 0], [0, -4]]); // S = [4, 3]
 */
export function svd(A: MatrixLike): SVD {
  const M = _toMatrix(A, "svd", "A");
  _requireFinite(M, "svd", "A");
  return _svd(M, "both");
}

/** Which singular vectors to form: both, or only U ('left') or only V ('right'). */
export type Sides = "both" | "left" | "right";

/**
 * The SVD of a finite M with only the `sides` asked for: the other one comes back with 0
 * columns, which skips applying its Householder transformations (about a fifth of the work at
 * n = 768). The singular values are the same as svd's.
 */
export function _svd(M: Matrix, sides: Sides): SVD {
  // Of a wide M's transpose, the left side is M's right side.
  const flip = (x: Sides): Sides => (x === "left" ? "right" : x === "right" ? "left" : "both");
  return _viaTall(M, (F, m, n, transposed) => _svdTall(F, m, n, transposed ? flip(sides) : sides));
}

/**
 * Runs `tall` (a factorisation of a row-major m × n array with m ≥ n, which it may overwrite) on
 * a copy of M scaled away from overflow and underflow, transposed first when M is wide
 * (Aᵀ = V S Uᵀ, so U and V swap back; `transposed` tells `tall`), and undoes the scale on S.
 */
export function _viaTall(M: Matrix, tall: (F: Float64Array, m: number, n: number, transposed: boolean) => SVD): SVD {
  const { rows: m, cols: n } = M;
  const scale = _extremeScale(M.data);
  let r: SVD;
  if (m >= n) {
    const F = new Float64Array(M.data);
    if (scale !== 1) for (let i = 0; i < F.length; i++) F[i] *= scale;
    r = tall(F, m, n, false);
  } else {
    const T = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) T[j * m + i] = scale * M.data[i * n + j];
    const t = tall(T, n, m, true);
    r = { U: t.V, S: t.S, V: t.U };
  }
  if (scale !== 1) for (let i = 0; i < r.S.length; i++) r.S[i] /= scale;
  return r;
}

/** SVD of the row-major m × n array F with m ≥ n; F is overwritten, and may come back as U's data. */
export function _svdTall(F: Float64Array, m: number, n: number, sides: Sides = "both"): SVD {
  if (n === 0) return { U: { rows: m, cols: 0, data: new Float64Array(0) }, S: new Float64Array(0), V: { rows: 0, cols: 0, data: new Float64Array(0) } };
  if (n <= LEAF) return jacobiTall(F, m, n);
  if (m >= QR_FIRST * n) {
    const H = _qrFactor(F, m, n); // A = Q [R; 0]
    const R = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) R[i * n + j] = F[i * n + j];
    const inner = _svdTall(R, n, n, sides);
    if (sides === "right") return { U: none(m), S: inner.S, V: inner.V };
    const U = new Float64Array(m * n);
    U.set(inner.U.data);
    _applyReflectors(H, U, 0, n, n, false); // U = Q [U_R; 0]
    return { U: { rows: m, cols: n, data: U }, S: inner.S, V: inner.V };
  }
  const B = _bidiagonalize(F, m, n);
  // The bidiagonal's U and V stay in the kernels' memory where there is one, and the
  // back-transformation reads them from there.
  const R = _bidiagonalSvdResident(B.d, B.e, n, _reflectorsScratch(m, n));
  const plain = R === null ? _bidiagonalSvd(B.d, B.e, n) : null;
  const s = R ? R.s : plain!.s;
  const S = new Float64Array(n);
  // The bidiagonal solver returns ascending values; reverse the columns for descending S.
  for (let j = 0; j < n; j++) S[j] = s[n - 1 - j];
  // X starts as the n × n factor with each row reversed (native copy and reverse), above zero
  // rows up to `rows`.
  const start = (left: boolean, rows: number): LoadX => (dst, off, ld) => {
    const src = R ? _heapView() : left ? plain!.U : plain!.V;
    const from = R ? (left ? R.u : R.v) : 0;
    for (let i = 0; i < n; i++) {
      const a = from + i * n, b = off + i * ld;
      dst.set(src.subarray(a, a + n), b);
      dst.subarray(b, b + n).reverse();
    }
    for (let i = n; i < rows; i++) dst.fill(0, off + i * ld, off + i * ld + n);
  };
  let U: Matrix = none(m), V: Matrix = none(n);
  if (sides !== "left") {
    V = { rows: n, cols: n, data: new Float64Array(n * n) };
    _applyReflectors(B.right, V.data, 0, n, n, false, start(false, n));
  }
  if (sides !== "right") {
    // U (m × n, like F) goes into F itself where the reflectors stored there are all read
    // before it is written, after V's: one fresh m × n array fewer (a page fault per 4 KiB).
    U = { rows: m, cols: n, data: _writesAfterReading(B.left, n) ? F : new Float64Array(m * n) };
    _applyReflectors(B.left, U.data, 0, n, n, false, start(true, m));
  }
  if (R) _heapRelease(R.base);
  return { U, S, V };
}

/** The vectors of a side not asked for: rows × 0. */
function none(rows: number): Matrix {
  return { rows, cols: 0, data: new Float64Array(0) };
}

/** Few columns: Jacobi on the rows of Aᵀ (n × m), so Aᵀ = Jᵀ Σ Ŵ and A = Ŵᵀ Σ J. */
function jacobiTall(F: Float64Array, m: number, n: number): SVD {
  const Y = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Y[j * m + i] = F[i * n + j];
  const { s, U: J, Vt: W } = _jacobiRows(Y, n, m, false);
  const U = new Float64Array(m * n);
  for (let r = 0; r < n; r++) for (let i = 0; i < m; i++) U[i * n + r] = W[r * m + i];
  return { U: { rows: m, cols: n, data: U }, S: s, V: { rows: n, cols: n, data: J } };
}
