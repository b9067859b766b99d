import { _householder } from "./householder.js";
import type { Reflectors } from "./reflectors.js";

/** A = Q T Qᵀ with T symmetric tridiagonal (diagonal d, subdiagonal e). */
export interface Tridiagonal {
  d: Float64Array; // [n]
  e: Float64Array; // [n - 1]
  /** Q = H₀ … H_{n-3}, acting on coordinates 1 … n-1. */
  Q: Reflectors;
}

/**
 * Householder tridiagonalisation of the symmetric row-major n × n array F, in place (Golub & Van
 * Loan, Matrix Computations 4th ed., Algorithm 8.3.1). Step k reflects column k below the
 * subdiagonal and applies the reflector from both sides as one symmetric rank-2 update,
 * A ← A - v wᵀ - w vᵀ with w = p - (τ pᵀv / 2) v, p = τ A v. Both triangles are kept, so every
 * loop runs along contiguous rows. The reflector vectors are left in column k below row k+1.
 */
export function _tridiagonalize(F: Float64Array, n: number): Tridiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tau = new Float64Array(Math.max(0, n - 2));
  const v = new Float64Array(n), p = new Float64Array(n);
  for (let k = 0; k < n - 1; k++) {
    d[k] = F[k * n + k];
    const c0 = k + 1;
    const t = k < n - 2 ? _householder(F, c0 * n + k, n, n - c0) : 0;
    if (k < n - 2) tau[k] = t;
    e[k] = F[c0 * n + k];
    F[k * n + c0] = e[k]; // keep the row consistent with the column (only for clarity of F)
    if (t === 0) continue;
    v[c0] = 1;
    for (let i = c0 + 1; i < n; i++) v[i] = F[i * n + k];
    // p = τ A[c0:, c0:] v
    let pv = 0;
    for (let i = c0; i < n; i++) {
      const r = i * n;
      let s = 0;
      for (let j = c0; j < n; j++) s += F[r + j] * v[j];
      p[i] = t * s;
      pv += p[i] * v[i];
    }
    const half = (t * pv) / 2;
    for (let i = c0; i < n; i++) p[i] -= half * v[i]; // p is now w
    for (let i = c0; i < n; i++) {
      const r = i * n, vi = v[i], wi = p[i];
      for (let j = c0; j < n; j++) F[r + j] -= vi * p[j] + wi * v[j];
    }
  }
  if (n > 0) d[n - 1] = F[(n - 1) * n + n - 1];
  return { d, e, Q: { data: F, off: 0, ps: 1, is: n, shift: 1, L: n, count: Math.max(0, n - 2), tau } };
}
