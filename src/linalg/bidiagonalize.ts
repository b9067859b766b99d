import { _gemm, _gemmHeap } from "./gemm.js";
import { _householder } from "./householder.js";
import { _addAtv, _resident, _setAu, _wasmAtv, _wasmAu, _wasmAuAtv, type Resident } from "./panelMatvec.js";
import type { Reflectors } from "./reflectors.js";
import { _heapRelease } from "./wasm/kernels.js";
import { _burst } from "./wasm/pool.js";

/** A = Q_U B Q_Vᵀ with B upper bidiagonal (diagonal d, superdiagonal e). */
export interface Bidiagonal {
  d: Float64Array; // [n]
  e: Float64Array; // [n - 1]
  /** Q_U = H₀ … H_{n-1}, acting on R^m. */
  left: Reflectors;
  /** Q_V = G₀ … G_{n-2}, acting on coordinates 1 … n-1 of R^n. */
  right: Reflectors;
}

// Columns per panel. LAPACK uses 32, but here the per-step corrections inside a panel (O(n·NB)
// each, in JavaScript) grow with NB. Each panel has one trailing update (a pass that reads and
// writes the trailing matrix) and, with the fused passes, NB + 1 reading passes: bidiagonalising
// 1024² on two threads took ~143–152 ms at NB = 8, ~150 at 4 and 6, 161 at 12 and 168–180 at 16.
const NB = 8;
const CROSSOVER = 32; // below this many trailing columns, panels do not pay for themselves

/**
 * Golub–Kahan Householder bidiagonalisation of the row-major m × n array F (m ≥ n), in place
 * (LAPACK dgebrd layout: left vectors below the diagonal, right vectors right of the
 * superdiagonal, their leading 1s implicit). Step k reflects column k from the left, then row k
 * from the right.
 *
 * Blocked as LAPACK's dlabrd (Dongarra, Sorensen & Hammarling 1989, "Block reduction of matrices
 * to condensed forms for eigenvalue computations"): within a panel of NB steps the trailing matrix
 * is left stale and each step corrects only the row and column it needs; the panel's whole effect,
 * A ← A - V Yᵀ - X Uᵀ, then lands as one matrix product. That halves the memory-bound
 * matrix-vector work of the plain method; the two products with the stale trailing matrix per step
 * (Aᵀv and Au) remain. Where the matrix is in WebAssembly memory, a step's Au and the next step's
 * Aᵀv share one pass over it (_wasmAuAtv), so a panel reads it NB + 1 times rather than 2·NB.
 */
export function _bidiagonalize(F: Float64Array, m: number, n: number): Bidiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tauq = new Float64Array(n);
  const taup = new Float64Array(Math.max(0, n - 1));
  let s = 0;
  if (n - s > CROSSOVER) {
    const X = new Float64Array(m * NB); // [m, NB]
    const Yt = new Float64Array(NB * n); // [NB, n]: Y stored transposed so its rows are contiguous
    const wasm = _resident(F, m, n, NB);
    const G = wasm ? wasm.F : F;
    _burst(() => {
      for (; n - s > CROSSOVER; s += NB) panel(G, m, n, s, d, e, tauq, taup, X, Yt, wasm);
    });
    unblocked(G, m, n, s, d, e, tauq, taup);
    if (wasm) {
      F.set(G);
      _heapRelease(wasm.base);
    }
  } else {
    unblocked(F, m, n, s, d, e, tauq, taup);
  }
  return {
    d,
    e,
    left: { data: F, off: 0, ps: 1, is: n, shift: 0, L: m, count: n, tau: tauq },
    right: { data: F, off: 0, ps: n, is: 1, shift: 1, L: n, count: Math.max(0, n - 1), tau: taup },
  };
}

/**
 * Steps s … s+NB-1 (LAPACK dlabrd), then the trailing update. Row k's right vector u and
 * column k's left vector v keep explicit 1s at F[k][k+1] and F[k][k] until the panel ends.
 */
function panel(F: Float64Array, m: number, n: number, s: number, d: Float64Array, e: Float64Array,
  tauq: Float64Array, taup: Float64Array, X: Float64Array, Yt: Float64Array, wasm: Resident | null): void {
  const t1 = new Float64Array(NB), t2 = new Float64Array(NB);
  // Whether column k and the partial sums of its Aᵀv (without row k) came with the last step's Au
  // (_wasmAuAtv): every step of a panel but the first, where there is a resident copy.
  let fused = false;
  for (let i = 0; i < NB; i++) {
    const k = s + i;
    // column k, rows k…: apply the panel's earlier reflectors (A - V Yᵀ - X Uᵀ)[:, k]
    if (!fused) {
      for (let r = k; r < m; r++) {
        let acc = 0;
        const fr = r * n + s, xr = r * NB;
        for (let j = 0; j < i; j++) acc += F[fr + j] * Yt[j * n + k] + X[xr + j] * F[(s + j) * n + k];
        F[r * n + k] -= acc;
      }
    }
    const alpha = F[k * n + k];
    const tq = _householder(F, k * n + k, n, m - k);
    tauq[k] = tq;
    d[k] = F[k * n + k];
    F[k * n + k] = 1;
    const c0 = k + 1;
    // Yt[i] = τq (Aᵀv - Y Vᵀv - U Xᵀv) over columns c0…, with the stale trailing A
    const y = i * n;
    t1.fill(0, 0, i);
    t2.fill(0, 0, i);
    if (fused) {
      // v = (1, x_{k+1…} / (α - β)): Aᵀv = (Σ_{r>k} x_r A[r, ·]) / (α - β) + A[k, ·]. With τ = 0
      // (x already zero past k) the row is scaled by τ below anyway.
      const { H, y: top, y2: bottom } = wasm!;
      const inv = tq === 0 ? 0 : 1 / (alpha - d[k]);
      for (let c = c0; c < n; c++) Yt[y + c] = inv * (H[top + c - k] + H[bottom + c - k]) + F[k * n + c];
    } else {
      Yt.fill(0, y + c0, y + n);
      if (wasm) _wasmAtv(wasm, n, k, m, k, c0, Yt, y);
      else _addAtv(F, n, k, m, k, c0, Yt, y);
    }
    for (let r = k; r < m; r++) {
      const v = F[r * n + k];
      if (v === 0) continue;
      const fr = r * n + s, xr = r * NB;
      for (let j = 0; j < i; j++) {
        t1[j] += v * F[fr + j];
        t2[j] += v * X[xr + j];
      }
    }
    for (let j = 0; j < i; j++) {
      const a = t1[j], b = t2[j], yj = j * n, uj = (s + j) * n;
      for (let c = c0; c < n; c++) Yt[y + c] -= a * Yt[yj + c] + b * F[uj + c];
    }
    for (let c = c0; c < n; c++) Yt[y + c] *= tq;
    // row k, columns c0…: apply the panel's reflectors including this one
    const rk = k * n;
    for (let j = 0; j <= i; j++) {
      const a = F[rk + s + j], yj = j * n;
      if (a !== 0) for (let c = c0; c < n; c++) F[rk + c] -= a * Yt[yj + c];
    }
    for (let j = 0; j < i; j++) {
      const b = X[k * NB + j], uj = (s + j) * n;
      if (b !== 0) for (let c = c0; c < n; c++) F[rk + c] -= b * F[uj + c];
    }
    if (c0 >= n) continue;
    const tp = _householder(F, rk + c0, 1, n - c0);
    taup[k] = tp;
    e[k] = F[rk + c0];
    F[rk + c0] = 1;
    // X[:, i] = τp (A u - V (Yᵀu) - X (U u)) over rows c0…, with the stale trailing A
    for (let j = 0; j <= i; j++) {
      let a = 0;
      const yj = j * n;
      for (let c = c0; c < n; c++) a += Yt[yj + c] * F[rk + c];
      t1[j] = a;
    }
    for (let j = 0; j < i; j++) {
      let b = 0;
      const uj = (s + j) * n;
      for (let c = c0; c < n; c++) b += F[uj + c] * F[rk + c];
      t2[j] = b;
    }
    fused = wasm !== null && i + 1 < NB && c0 + 1 < n;
    if (fused) {
      // X[:, i] and the next step's column k+1 in one pass with that column's Aᵀv (_wasmAuAtv):
      // per row, corr = (V t1 + X t2)[r] and pre = (A - V Yᵀ - X Uᵀ)[r, k+1] but for X[r, i]'s term.
      const { H, pre, corr } = wasm!;
      const k1 = c0;
      const prepare = (r0: number, r1: number) => {
        for (let r = r0; r < r1; r++) {
          const fr = r * n + s, xr = r * NB;
          let a = 0, b = 0;
          for (let j = 0; j <= i; j++) {
            a += F[fr + j] * t1[j];
            b += F[fr + j] * Yt[j * n + k1];
          }
          for (let j = 0; j < i; j++) {
            a += X[xr + j] * t2[j];
            b += X[xr + j] * F[(s + j) * n + k1];
          }
          H[corr + r] = a;
          H[pre + r] = F[r * n + k1] - b;
        }
      };
      _wasmAuAtv(wasm!, n, m, k, X, NB, i, tp, prepare);
      continue;
    }
    if (wasm) _wasmAu(wasm, n, c0, m, c0, rk, X, NB, i);
    else _setAu(F, n, c0, m, c0, rk, X, NB, i);
    for (let r = c0; r < m; r++) {
      const fr = r * n + s, xr = r * NB;
      let a = X[xr + i];
      for (let j = 0; j <= i; j++) a -= F[fr + j] * t1[j];
      for (let j = 0; j < i; j++) a -= X[xr + j] * t2[j];
      X[xr + i] = tp * a;
    }
  }
  // trailing update A ← A - [V X] [Yᵀ; U] as one product with inner dimension 2·NB
  const r0 = s + NB, mt = m - r0, nt = n - r0;
  if (mt <= 0 || nt <= 0) return;
  if (wasm) { // in place on the resident copy: C is not copied at all
    const { H } = wasm;
    for (let r = 0; r < mt; r++) {
      const row = (r0 + r) * n + s, xr = (r0 + r) * NB, l = wasm.L + r * 2 * NB;
      for (let j = 0; j < NB; j++) {
        H[l + j] = -F[row + j];
        H[l + NB + j] = -X[xr + j];
      }
    }
    for (let j = 0; j < NB; j++) {
      H.set(Yt.subarray(j * n + r0, (j + 1) * n), wasm.R + j * nt);
      H.set(F.subarray((s + j) * n + r0, (s + j + 1) * n), wasm.R + (NB + j) * nt);
    }
    // Split like the panel's matrix-vector passes (this thread from the top rows, a worker from
    // the bottom), so each core mostly reads back rows it wrote itself.
    _gemmHeap(wasm.K, mt, nt, 2 * NB, wasm.L, 2 * NB, wasm.R, nt, wasm.base + r0 * n + r0, n);
    return;
  }
  const L = new Float64Array(mt * 2 * NB), R = new Float64Array(2 * NB * nt);
  for (let r = 0; r < mt; r++) {
    L.set(F.subarray((r0 + r) * n + s, (r0 + r) * n + s + NB), r * 2 * NB);
    L.set(X.subarray((r0 + r) * NB, (r0 + r + 1) * NB), r * 2 * NB + NB);
  }
  for (let j = 0; j < NB; j++) {
    R.set(Yt.subarray(j * n + r0, (j + 1) * n), j * nt);
    R.set(F.subarray((s + j) * n + r0, (s + j + 1) * n), (NB + j) * nt);
  }
  _gemm(mt, nt, 2 * NB, -1, L, 0, 2 * NB, 1, R, 0, nt, F, r0 * n + r0, n);
}

/**
 * Steps s … n-1 one at a time: two passes over the trailing rows per step, one accumulating
 * w = vᵀA, the other doing everything else to a row while it is in cache.
 */
function unblocked(F: Float64Array, m: number, n: number, s: number, d: Float64Array, e: Float64Array, tauq: Float64Array, taup: Float64Array): void {
  const w = new Float64Array(n);
  for (let k = s; k < n; k++) {
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
      let sum = F[r + c0];
      for (let c = c0 + 1; c < n; c++) sum += F[r + c] * F[u1 + c - c0];
      sum *= tp;
      F[r + c0] -= sum;
      for (let c = c0 + 1; c < n; c++) F[r + c] -= sum * F[u1 + c - c0];
    }
  }
}
