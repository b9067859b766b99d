/**
 * Householder reflectors H = I - τ v vᵀ with v[0] = 1, in LAPACK's dlarfg convention, which
 * QR, bidiagonalisation and tridiagonalisation share. Internal: callers pass raw arrays.
 */

const SAFE_MIN = 2 ** -1000; // below this, squares underflow to subnormals and lose digits
const SAFE_MAX = 2 ** 500; // above this, squares overflow

/**
 * 2-norm of the `len` entries x[off], x[off + stride], …, scaled only when the plain sum of
 * squares would underflow or overflow, so the common case is one cheap pass.
 */
export function _norm2(x: Float64Array, off: number, stride: number, len: number): number {
  let s = 0;
  for (let i = 0, p = off; i < len; i++, p += stride) s += x[p] * x[p];
  const r = Math.sqrt(s);
  if (r > SAFE_MIN && r < SAFE_MAX) return r;
  let scale = 0;
  for (let i = 0, p = off; i < len; i++, p += stride) scale = Math.max(scale, Math.abs(x[p]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  s = 0;
  for (let i = 0, p = off; i < len; i++, p += stride) {
    const t = x[p] / scale;
    s += t * t;
  }
  return scale * Math.sqrt(s);
}

/**
 * Turns x = (α, x₁…x_{len-1}) (entries at off, off + stride, …) into the reflector that maps it
 * to (β, 0, …, 0): on return x[off] = β and the remaining entries hold v[1…]; returns τ.
 * τ = 0 (H = I) when x₁… is already zero, so zero columns of rank-deficient matrices pass through.
 * β takes the sign opposite to α so that α - β never cancels.
 */
export function _householder(x: Float64Array, off: number, stride: number, len: number): number {
  if (len <= 1) return 0;
  const xnorm = _norm2(x, off + stride, stride, len - 1);
  if (xnorm === 0) return 0;
  const alpha = x[off];
  const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, xnorm);
  const tau = (beta - alpha) / beta;
  const inv = 1 / (alpha - beta);
  for (let i = 1, p = off + stride; i < len; i++, p += stride) x[p] *= inv;
  x[off] = beta;
  return tau;
}
