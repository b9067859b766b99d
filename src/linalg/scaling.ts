/** Exact rescaling by powers of two, to keep squares and products inside the floating-point range. */

/** 2^k with 2^k · max|x| in [0.5, 1), or 1 when x is all zero. */
export function _powerOfTwoScale(x: Float64Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]));
  if (max === 0 || !Number.isFinite(max)) return 1;
  const k = Math.floor(Math.log2(max)) + 1;
  return 2 ** -Math.max(-1020, Math.min(1020, k));
}

/**
 * A power of two that brings max|aᵢⱼ| near 1 when it lies outside [2⁻⁴⁸⁵, 2⁴⁸⁵], else 1 (as
 * LAPACK's drivers do): the products inside the factorisations would otherwise over- or
 * underflow. Powers of two scale exactly.
 */
export function _extremeScale(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  if (max === 0 || (max >= 2 ** -485 && max <= 2 ** 485)) return 1;
  return _powerOfTwoScale(a);
}

/** SVD of the row-major m × n array F with m ≥ n; F is overwritten. */
export function _svdTall(F: Float64Array, m: number, n: number): SVD {
  if (n === 0) return { U: { rows: m, cols: 0, data: new Float64Array(0) }, S: new Float64Array(0), V: { rows: 0, cols: 0, data: new Float64Array(0) } };
  if (n <= LEAF) return jacobiTall(F, m, n);
  if (m >= QR_FIRST * n) {
    const H = _qrFactor(F, m, n); // A = Q [R; 0]
    const R = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) R[i * n + j] = F[i * n + j];
    const inner = _svdTall(R, n, n);
    const U = new Float64Array(m * n);
    U.set(inner.U.data);
    _applyReflectors(H, U, 0, n, n, false); // U = Q [U_R; 0]
    return { U: { rows: m, cols: n, data: U }, S: inner.S, V: inner.V };
  }
  const B = _bidiagonalize(F, m, n);
  const { s, U: Ub, V: Vb } = _bidiagonalSvd(B.d, B.e, n);
  const S = new Float64Array(n);
  const U = new Float64Array(m * n), V = new Float64Array(n * n);
  // The bidiagonal solver returns ascending values; reverse the columns for descending S.
  for (let j = 0; j < n; j++) {
    const src = n - 1 - j;
    S[j] = s[src];
    for (let i = 0; i < n; i++) {
      U[i * n + j] = Ub[i * n + src];
      V[i * n + j] = Vb[i * n + src];
    }
  }
  _applyReflectors(B.left, U, 0, n, n, false);
  _applyReflectors(B.right, V, 0, n, n, false);
  return { U: { rows: m, cols: n, data: U }, S, V: { rows: n, cols: n, data: V } };
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
