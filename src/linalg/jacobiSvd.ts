/**
 * SVD of small dense matrices by one-sided (Hestenes) Jacobi: the leaves of the
 * divide-and-conquer bidiagonal SVD, and whole inputs with min(m, n) small. Slow in flops
 * (several sweeps of 6·p²·q each) but simple, and accurate to machine precision in the vectors
 * even for tiny singular values (Demmel & Veselić 1992, "Jacobi's method is more accurate than QR").
 */

import { _powerOfTwoScale } from "./scaling.js";

const EPS = 2 ** -52;
const MAX_SWEEPS = 60;
const NEGLIGIBLE = 2 ** -1000; // a row this short carries no direction; its vector is completed instead

/** Y = U diag(s) [Vt]_{rows < p} with s descending, U p × p, Vt full ? q × q : p × q, rows orthonormal. */
export interface JacobiResult {
  s: Float64Array; // [p]
  U: Float64Array; // [p, p], columns are left singular vectors
  Vt: Float64Array; // [q or p, q], rows are right singular vectors; rows p… span the null space
}

/**
 * Full SVD of the row-major p × q array Y with p ≤ q (Y is not modified). Rotations act on pairs
 * of rows, which are contiguous, until every pair is orthogonal to working precision
 * (|wᵢ·wⱼ| ≤ ε‖wᵢ‖‖wⱼ‖); the row norms are then the singular values.
 */
export function _jacobiRows(Y: Float64Array, p: number, q: number, full: boolean): JacobiResult {
  const W = new Float64Array(Y.subarray(0, p * q));
  // Squared norms of rows of size ~1e-170 underflow to zero, and of ~1e+170 overflow: work on
  // Y scaled by a power of two (exact) that brings its largest entry near 1.
  const scale = _powerOfTwoScale(W);
  if (scale !== 1) for (let i = 0; i < W.length; i++) W[i] *= scale;
  const Jt = new Float64Array(p * p);
  for (let i = 0; i < p; i++) Jt[i * p + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        const ri = i * q, rj = j * q;
        let a = 0, b = 0, g = 0;
        for (let t = 0; t < q; t++) {
          const x = W[ri + t], y = W[rj + t];
          a += x * x;
          b += y * y;
          g += x * y;
        }
        if (g === 0 || Math.abs(g) <= EPS * Math.sqrt(a) * Math.sqrt(b)) continue;
        rotated = true;
        const zeta = (b - a) / (2 * g);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.hypot(1, t);
        const s = c * t;
        rotateRows(W, ri, rj, q, c, s);
        rotateRows(Jt, i * p, j * p, p, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let t = 0; t < q; t++) s += W[i * q + t] ** 2;
    norms[i] = Math.sqrt(s);
  }
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => norms[y] - norms[x]);
  const s = new Float64Array(p);
  const U = new Float64Array(p * p);
  const nv = full ? q : p;
  const Vt = new Float64Array(nv * q);
  const filled = new Uint8Array(nv);
  for (let r = 0; r < p; r++) {
    const i = order[r];
    s[r] = norms[i] / scale;
    for (let t = 0; t < p; t++) U[t * p + r] = Jt[i * p + t]; // Y = Jtᵀ W, so U's columns are Jt's rows
    if (norms[i] > NEGLIGIBLE) {
      const inv = 1 / norms[i];
      for (let t = 0; t < q; t++) Vt[r * q + t] = W[i * q + t] * inv;
      filled[r] = 1;
    }
  }
  _completeRows(Vt, nv, q, filled);
  return { s, U, Vt };
}

function rotateRows(X: Float64Array, ri: number, rj: number, len: number, c: number, s: number): void {
  for (let t = 0; t < len; t++) {
    const x = X[ri + t], y = X[rj + t];
    X[ri + t] = c * x - s * y;
    X[rj + t] = s * x + c * y;
  }
}

/**
 * Fills the rows of the nrows × q array Q (nrows ≤ q) not marked in `filled` so that all its rows
 * are orthonormal, given that the marked rows already are. Each new row starts from the unit vector least covered
 * by the rows so far (its residual is at least √(free/q), so nothing cancels badly) and is
 * orthogonalised twice against them (Gram–Schmidt twice is enough: Giraud et al. 2005).
 */
export function _completeRows(Q: Float64Array, nrows: number, q: number, filled: Uint8Array): void {
  const coverage = new Float64Array(q); // Σ over filled rows of Q[r][c]²
  for (let r = 0; r < nrows; r++) if (filled[r]) for (let c = 0; c < q; c++) coverage[c] += Q[r * q + c] ** 2;
  const x = new Float64Array(q);
  for (let r = 0; r < nrows; r++) {
    if (filled[r]) continue;
    let best = 0;
    for (let c = 1; c < q; c++) if (coverage[c] < coverage[best]) best = c;
    x.fill(0);
    x[best] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let o = 0; o < nrows; o++) {
        if (!filled[o]) continue;
        let dot = 0;
        for (let c = 0; c < q; c++) dot += Q[o * q + c] * x[c];
        for (let c = 0; c < q; c++) x[c] -= dot * Q[o * q + c];
      }
    }
    let nrm = 0;
    for (let c = 0; c < q; c++) nrm += x[c] * x[c];
    const inv = 1 / Math.sqrt(nrm);
    for (let c = 0; c < q; c++) {
      Q[r * q + c] = x[c] * inv;
      coverage[c] += Q[r * q + c] ** 2;
    }
    filled[r] = 1;
  }
}
