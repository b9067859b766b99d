import { GEMM_HEAP_SCRATCH } from "./gemm.js";
import { _heapAlloc, _heapRelease, _heapView, _kernels, type Kernels } from "./wasm/kernels.js";
import { _atvHalves, _auAtvHalves, _av } from "./wasm/pool.js";

/**
 * The two matrix-vector products per step of the bidiagonalisation, Aᵀv and Au with the stale
 * trailing matrix, which take most of its time: in JavaScript four rows per pass (each entry of
 * the result loaded a quarter as often, four independent sums), or on a copy of the matrix in
 * WebAssembly memory with the SIMD kernels (~5 G entries/s against ~1.2).
 *
 * With threads, both are shared by rows: Au's rows, and Aᵀv as two partial sums over the top and
 * the bottom half of the rows (pool.ts). The trailing update after each panel is split the same
 * way, so each core mostly reads rows it wrote, and the team polls between the passes rather
 * than sleeping (`_burst`). Bidiagonalising 1024² in alternating processes (min of 10 each) took
 * 166–175 ms split so, against 215–233 on one thread; splitting Aᵀv by columns instead took 240, as every
 * pass then read half of each row from the other core's cache, and splitting with sleeping
 * workers was slower than one thread (a wake-up costs about as much as a pass).
 */

/** A copy of F in WebAssembly memory, where the matrix-vector kernels can read it, plus scratch vectors. */
export interface Resident {
  K: Kernels;
  H: Float64Array; // view of all of the kernels' memory
  F: Float64Array; // the copy of F, a view into H
  base: number; // offset of F in H
  v: number; // offsets of m- and n-long scratch vectors
  y: number;
  y2: number; // the second half's partial of Aᵀv
  L: number; // offsets of the trailing update's factors: m × 2·NB and 2·NB × n
  R: number;
  // m-long arrays of _wasmAuAtv (indexed by row), and the double that holds τ
  pre: number;
  corr: number;
  x: number;
  w: number;
  tau: number;
}

export function _resident(F: Float64Array, m: number, n: number, NB: number): Resident | null {
  const K = _kernels();
  if (!K) return null;
  const base = _heapAlloc(m * n + m + 2 * n + 6);
  const L = _heapAlloc(m * 2 * NB), R = _heapAlloc(2 * NB * n);
  const pre = _heapAlloc(4 * m + 2), corr = pre + m, x = corr + m, w = x + m, tau = w + m;
  // Reserve the product's scratch too, so the memory never grows (and never detaches the view
  // below) while the panels run.
  _heapRelease(_heapAlloc(GEMM_HEAP_SCRATCH));
  const H = _heapView();
  const G = H.subarray(base, base + m * n);
  G.set(F);
  return { K, H, F: G, base, v: base + m * n + 2, y: base + m * n + m + 4, y2: base + m * n + m + n + 6, L, R, pre, corr, x, w, tau };
}

/**
 * out[out0 + c] += Σ_{r0 ≤ r < r1} F[r, vc] · F[r, c] for c0 ≤ c < n: Aᵀv with v stored in column
 * vc. Four rows per pass over `out`, so each of its entries is loaded and stored a quarter as often.
 */
export function _addAtv(F: Float64Array, n: number, r0: number, r1: number, vc: number, c0: number, out: Float64Array, out0: number): void {
  let r = r0;
  for (; r + 3 < r1; r += 4) {
    const f0 = r * n, f1 = f0 + n, f2 = f1 + n, f3 = f2 + n;
    const v0 = F[f0 + vc], v1 = F[f1 + vc], v2 = F[f2 + vc], v3 = F[f3 + vc];
    for (let c = c0; c < n; c++) out[out0 + c] += v0 * F[f0 + c] + v1 * F[f1 + c] + v2 * F[f2 + c] + v3 * F[f3 + c];
  }
  for (; r < r1; r++) {
    const f0 = r * n, v0 = F[f0 + vc];
    if (v0 !== 0) for (let c = c0; c < n; c++) out[out0 + c] += v0 * F[f0 + c];
  }
}

/**
 * X[r, col] = Σ_{c0 ≤ c < n} F[r, c] · F[ur, c] for r0 ≤ r < r1: Au with u stored in row ur. Four
 * rows share each load of u and keep four independent sums (one sum would wait on add latency).
 */
export function _setAu(F: Float64Array, n: number, r0: number, r1: number, c0: number, ur: number, X: Float64Array, ldx: number, col: number): void {
  let r = r0;
  for (; r + 3 < r1; r += 4) {
    const f0 = r * n, f1 = f0 + n, f2 = f1 + n, f3 = f2 + n;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let c = c0; c < n; c++) {
      const u = F[ur + c];
      a0 += F[f0 + c] * u;
      a1 += F[f1 + c] * u;
      a2 += F[f2 + c] * u;
      a3 += F[f3 + c] * u;
    }
    X[r * ldx + col] = a0;
    X[(r + 1) * ldx + col] = a1;
    X[(r + 2) * ldx + col] = a2;
    X[(r + 3) * ldx + col] = a3;
  }
  for (; r < r1; r++) {
    const f0 = r * n;
    let a = 0;
    for (let c = c0; c < n; c++) a += F[f0 + c] * F[ur + c];
    X[r * ldx + col] = a;
  }
}

/** _addAtv on the resident copy: the kernel takes whole groups of 4 rows and 2 columns, JavaScript the rest. */
export function _wasmAtv(w: Resident, n: number, r0: number, r1: number, vc: number, c0: number, out: Float64Array, out0: number): void {
  const { K, H, F, base } = w;
  const rows = r1 - r0, len = n - c0;
  const rows4 = rows & ~3, len2 = len & ~1;
  for (let t = 0; t < rows; t++) H[w.v + t] = F[(r0 + t) * n + vc];
  H.fill(0, w.y, w.y + len);
  H.fill(0, w.y2, w.y2 + len);
  _atvHalves(K, 8 * (base + r0 * n + c0), 8 * n, rows4, 8 * w.v, 8 * w.y, 8 * w.y2, len2);
  if (len2 < len) {
    let a = 0;
    for (let t = 0; t < rows4; t++) a += H[w.v + t] * F[(r0 + t) * n + n - 1];
    H[w.y + len - 1] = a;
  }
  for (let c = 0; c < len; c++) out[out0 + c0 + c] += H[w.y + c] + H[w.y2 + c];
  _addAtv(F, n, r0 + rows4, r1, vc, c0, out, out0);
}

/** _setAu on the resident copy: the kernel takes whole groups of 4 rows and 2 columns, JavaScript the rest. */
export function _wasmAu(w: Resident, n: number, r0: number, r1: number, c0: number, ur: number, X: Float64Array, ldx: number, col: number): void {
  const { K, H, F, base } = w;
  const rows = r1 - r0, len = n - c0;
  const rows4 = rows & ~3, len2 = len & ~1;
  _av(K, 8 * (base + r0 * n + c0), 8 * n, rows4, 8 * (base + ur + c0), 8 * w.v, len2);
  const last = len2 < len ? F[ur + n - 1] : 0;
  for (let t = 0; t < rows4; t++) X[(r0 + t) * ldx + col] = H[w.v + t] + last * F[(r0 + t) * n + n - 1];
  _setAu(F, n, r0 + rows4, r1, c0, ur, X, ldx, col);
}

/**
 * Step k's Au and the next step's Aᵀv in one pass over the stale trailing rows (the "BLAS 2.5"
 * fusion of Howell, Demmel et al. 2008, "Cache efficient bidiagonalization using BLAS 2.5
 * operators", ACM TOMS 34(3)), where the next step's column k+1 depends row by row on Au:
 *
 *   X[r, col] = τ (F[r, c0…] · u - corr[r]),   x_r = pre[r] - X[r, col]   (rows r ≥ k+1),
 *
 * with u in row k and c0 = k+1; x_r goes into F[r, k+1], and Σ_{r ≥ k+2} x_r F[r, c0…] is left in
 * the partial sums at y and y2 (entry 0 for column c0), for the next step's Aᵀv once x is a
 * reflector (see bidiagonalize.ts). `prepare(r0, r1)` writes pre and corr of rows [r0, r1) (at
 * w.pre + r, w.corr + r), called so that it overlaps the worker's share. The kernel takes whole
 * groups of four rows from k+2; row k+1 and the rows past the last group run here, in a fixed
 * order, so the sums do not depend on the thread count. Bidiagonalising 1024² (panels of 8) took
 * 151–155 ms so, against 157–167 ms with two passes a step and panels of 4 (alternating processes).
 */
export function _wasmAuAtv(w: Resident, n: number, m: number, k: number, X: Float64Array, ldx: number, col: number, tau: number,
  prepare: (r0: number, r1: number) => void): void {
  const { K, H, F, base } = w;
  const c0 = k + 1, len = n - c0, first = k + 2, rows4 = Math.max(0, m - first) & ~3;
  H[w.tau] = tau;
  H.fill(0, w.y, w.y + len);
  H.fill(0, w.y2, w.y2 + len);
  _auAtvHalves(K, 8 * (base + first * n + c0), 8 * n, rows4, 8 * (base + k * n + c0), len,
    8 * (w.pre + first), 8 * (w.corr + first), 8 * w.tau, 8 * (w.x + first), 8 * (w.w + first), 8 * w.y, 8 * w.y2,
    (r0, r1) => prepare(first + r0, first + r1));
  prepare(c0, first);
  prepare(first + rows4, m);
  const u = k * n + c0;
  const rowInJs = (r: number, update: boolean) => {
    const fr = r * n + c0;
    let a = 0;
    for (let c = 0; c < len; c++) a += F[fr + c] * F[u + c];
    const x = tau * (a - H[w.corr + r]), xr = H[w.pre + r] - x;
    H[w.x + r] = x;
    H[w.w + r] = xr;
    if (update) for (let c = 0; c < len; c++) H[w.y2 + c] += xr * F[fr + c];
  };
  if (c0 < m) rowInJs(c0, false);
  for (let r = first + rows4; r < m; r++) rowInJs(r, true);
  for (let r = c0; r < m; r++) {
    X[r * ldx + col] = H[w.x + r];
    F[r * n + c0] = H[w.w + r];
  }
}
