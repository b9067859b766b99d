import { _householder } from "./householder.js";
import { type Matrix, type MatrixLike } from "./matrix.js";
import { _applyReflectors, type Reflectors } from "./reflectors.js";
import { _requireFinite, _toMatrix } from "./checks.js";

/** Result of {@link qr}: A = Q R. */
export interface QR {
  /** m × k with orthonormal columns, k = min(m, n). */
  Q: Matrix;
  /** k × n upper triangular (upper trapezoidal when n > m). */
  R: Matrix;
}

const PANEL = 32; // columns factored one at a time before one blocked update of the rest

/**
 * Thin QR factorisation by Householder reflections: A (m × n) = Q R with Q m × k orthonormal
 * columns and R k × n upper triangular, k = min(m, n). Backward stable, so Q is orthonormal to
 * machine precision even when A is rank deficient (unlike Gram–Schmidt). R's diagonal may be
 * negative: Householder picks the sign that avoids cancellation.
 */
export function qr(A: MatrixLike): QR {
  const M = _toMatrix(A, "qr", "A");
  _requireFinite(M, "qr", "A");
  const { rows: m, cols: n } = M;
  const k = Math.min(m, n);
  const F = new Float64Array(M.data);
  const H = _qrFactor(F, m, n);
  const R: Matrix = { rows: k, cols: n, data: new Float64Array(k * n) };
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) R.data[i * n + j] = F[i * n + j];
  const Q: Matrix = { rows: m, cols: k, data: new Float64Array(m * k) };
  for (let i = 0; i < k; i++) Q.data[i * k + i] = 1;
  _applyReflectors(H, Q.data, 0, k, k, false);
  return { Q, R };
}

/**
 * Householder QR of the row-major m × n array F in place (LAPACK dgeqrf layout: R on and above
 * the diagonal, reflector vectors below it). Panels of PANEL columns are factored with rank-one
 * updates; the trailing columns then get the whole panel at once as a compact-WY product.
 */
export function _qrFactor(F: Float64Array, m: number, n: number): Reflectors {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const w = new Float64Array(n);
  for (let j0 = 0; j0 < k; j0 += PANEL) {
    const j1 = Math.min(k, j0 + PANEL);
    for (let j = j0; j < j1; j++) {
      const t = _householder(F, j * n + j, n, m - j);
      tau[j] = t;
      if (t !== 0) reflectPanel(F, m, n, j, j1, t, w);
    }
    if (j1 < n) {
      const panel: Reflectors = { data: F, off: j0 * n + j0, ps: 1, is: n, shift: 0, L: m - j0, count: j1 - j0, tau: tau.subarray(j0, j1) };
      _applyReflectors(panel, F, j0 * n + j1, n, n - j1, true);
    }
  }
  return { data: F, off: 0, ps: 1, is: n, shift: 0, L: m, count: k, tau };
}

/** Applies reflector j (vector in column j below the diagonal) to columns j+1 … end-1, rows j … m-1. */
function reflectPanel(F: Float64Array, m: number, n: number, j: number, end: number, tau: number, w: Float64Array): void {
  const c0 = j + 1;
  if (c0 >= end) return;
  for (let c = c0; c < end; c++) w[c] = F[j * n + c];
  for (let i = j + 1; i < m; i++) {
    const v = F[i * n + j];
    if (v === 0) continue;
    const r = i * n;
    for (let c = c0; c < end; c++) w[c] += v * F[r + c];
  }
  for (let c = c0; c < end; c++) {
    w[c] *= tau;
    F[j * n + c] -= w[c];
  }
  for (let i = j + 1; i < m; i++) {
    const v = F[i * n + j];
    if (v === 0) continue;
    const r = i * n;
    for (let c = c0; c < end; c++) F[r + c] -= v * w[c];
  }
}
