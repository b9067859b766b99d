import { _householder } from "./householder.js";
import type { Reflectors } from "./reflectors.js";

/** A = Q_U B Q_Vᵀ with B upper bidiagonal (diagonal d, superdiagonal e). */
export interface Bidiagonal {
  d: Float64Array; // [n]
  e: Float64Array; // [n - 1]
  /** Q_U = H₀ … H_{n-1}, acting on R^m. */
  left: Reflectors;
  /** Q_V = G₀ … G_{n-2}, acting on coordinates 1 … n-1 of R^n. */
  right: Reflectors;
}

/**
 * Golub–Kahan Householder bidiagonalisation of the row-major m × n array F (m ≥ n), in place
 * (LAPACK dgebrd layout: left vectors below the diagonal, right vectors right of the
 * superdiagonal). Step k reflects column k from the left, then row k from the right.
 *
 * Each step makes two passes over the trailing rows: one accumulates w = vᵀA, the other does
 * everything else to a row while it is in cache (left update, dot with the right vector u, right
 * update). Rows are contiguous in row-major storage, so both passes stream memory in order.
 */
export function _bidiagonalize(F: Float64Array, m: number, n: number): Bidiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tauq = new Float64Array(n);
  const taup = new Float64Array(Math.max(0, n - 1));
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const tq = _householder(F, k * n + k, n, m - k);
    tauq[k] = tq;
    d[k] = F[k * n + k];
    if (k === n - 1) break;
    const c0 = k + 1;
    const rk = k * n;
    // w = τq · vᵀ A[k:, k+1:], v = (1, F[k+1:, k])
    if (tq !== 0) {
      for (let c = c0; c < n; c++) w[c] = F[rk + c];
      for (let i = k + 1; i < m; i++) {
        const v = F[i * n + k];
        if (v === 0) continue;
        const r = i * n;
        for (let c = c0; c < n; c++) w[c] += v * F[r + c];
      }
      for (let c = c0; c < n; c++) {
        w[c] *= tq;
        F[rk + c] -= w[c];
      }
    }
    const tp = _householder(F, rk + c0, 1, n - c0);
    taup[k] = tp;
    e[k] = F[rk + c0];
    const u1 = rk + c0; // u = (1, F[k, k+2:]); index u1 + t holds u[t] for t ≥ 1
    for (let i = k + 1; i < m; i++) {
      const r = i * n;
      if (tq !== 0) {
        const v = F[i * n + k];
        if (v !== 0) for (let c = c0; c < n; c++) F[r + c] -= v * w[c];
      }
      if (tp === 0) continue;
      let s = F[r + c0];
      for (let c = c0 + 1; c < n; c++) s += F[r + c] * F[u1 + c - c0];
      s *= tp;
      F[r + c0] -= s;
      for (let c = c0 + 1; c < n; c++) F[r + c] -= s * F[u1 + c - c0];
    }
  }
  return {
    d,
    e,
    left: { data: F, off: 0, ps: 1, is: n, shift: 0, L: m, count: n, tau: tauq },
    right: { data: F, off: 0, ps: n, is: 1, shift: 1, L: n, count: Math.max(0, n - 1), tau: taup },
  };
}
