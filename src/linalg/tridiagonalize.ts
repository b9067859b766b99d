import { _gemmHeap } from "./gemm.js";
import { _householder } from "./householder.js";
import { _resident, _setAu, _wasmAu } from "./panelMatvec.js";
import { _heapRelease } from "./wasm/kernels.js";
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
 * loop runs along contiguous rows. The reflector vectors are left in column k below row k+1
 * (row k may hold scratch).
 */
export function _tridiagonalize(F: Float64Array, n: number): Tridiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tau = new Float64Array(Math.max(0, n - 2));
  const v = new Float64Array(n), p = new Float64Array(n);
  // Large matrices run on a copy in WebAssembly memory: p = A v with the SIMD matrix-vector
  // kernel, the rank-2 update as an in-place product with inner dimension 2.
  const w = n > 64 ? _resident(F, n, n, 1) : null;
  const G = w ? w.F : F;
  for (let k = 0; k < n - 1; k++) {
    d[k] = G[k * n + k];
    const c0 = k + 1;
    const t = k < n - 2 ? _householder(G, c0 * n + k, n, n - c0) : 0;
    if (k < n - 2) tau[k] = t;
    e[k] = G[c0 * n + k];
    if (t === 0) continue;
    v[c0] = 1;
    for (let i = c0 + 1; i < n; i++) v[i] = G[i * n + k];
    // p = τ A[c0:, c0:] v
    G.set(v.subarray(c0), k * n + c0); // A is symmetric: row k is free to hold v, where Au reads u
    if (w) _wasmAu(w, n, c0, n, c0, k * n, p, 1, 0);
    else _setAu(G, n, c0, n, c0, k * n, p, 1, 0);
    G[k * n + c0] = e[k];
    let pv = 0;
    for (let i = c0; i < n; i++) {
      p[i] *= t;
      pv += p[i] * v[i];
    }
    const half = (t * pv) / 2;
    for (let i = c0; i < n; i++) p[i] -= half * v[i]; // p is now w
    const len = n - c0;
    if (w) {
      const { H } = w;
      for (let i = 0; i < len; i++) {
        H[w.L + 2 * i] = v[c0 + i];
        H[w.L + 2 * i + 1] = p[c0 + i];
        H[w.R + i] = -p[c0 + i];
        H[w.R + len + i] = -v[c0 + i];
      }
      _gemmHeap(w.K, len, len, 2, w.L, 2, w.R, len, w.base + c0 * n + c0, n);
    } else {
      for (let i = c0; i < n; i++) {
        const r = i * n, vi = v[i], wi = p[i];
        for (let j = c0; j < n; j++) G[r + j] -= vi * p[j] + wi * v[j];
      }
    }
  }
  if (n > 0) d[n - 1] = G[(n - 1) * n + n - 1];
  if (w) {
    F.set(G);
    _heapRelease(w.base);
  }
  return { d, e, Q: { data: F, off: 0, ps: 1, is: n, shift: 1, L: n, count: Math.max(0, n - 2), tau } };
}
