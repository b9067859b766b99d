import { MR, NR, _heapAlloc, _heapRelease, _heapView, _kernels, type Kernels } from "./wasm/kernels.js";
import { _panel } from "./wasm/pool.js";

/**
 * The one matrix-product kernel behind matmul, the blocked Householder updates and the
 * divide-and-conquer SVD merges. It trusts its arguments (see `matmul` for the checked API).
 *
 *   C[i, j] += alpha · Σ_p A(i, p) · B[p, j]      i < m, j < n, p < k
 *
 * A(i, p) = A[aOff + i·ais + p·aps], so A may be read transposed (ais = 1, aps = lda) at no cost:
 * both paths gather its entries (into locals, or into the WebAssembly copy) rather than stream
 * along it. B and C are row-major with row strides ldb and ldc.
 *
 * Large products run in WebAssembly SIMD (wasm/kernels.ts, ~18 GFlop/s on one core), their
 * panels split over worker threads when large enough (wasm/pool.ts, LOWRANK_THREADS); small
 * ones, and every product where WebAssembly SIMD is missing, in JavaScript: there the i-k-j order
 * keeps the inner loop a streaming update of one row of C from rows of B, and doing 4 rows of C
 * and 4 rows of B per pass (16 multiply-adds per 8 loads) quadruples the throughput of the plain
 * i-k-j loop (about 1.1 vs 5.5 GFlop/s at n = 1024).
 */
export function _gemm(
  m: number, n: number, k: number, alpha: number,
  A: Float64Array, aOff: number, ais: number, aps: number,
  B: Float64Array, bOff: number, ldb: number,
  C: Float64Array, cOff: number, ldc: number,
): void {
  if (m === 0 || n === 0 || k === 0 || alpha === 0) return;
  if (_wasmWorthIt(m, n, k)) {
    const K = _kernels();
    if (K) return _gemmWasm(K, m, n, k, alpha, A, aOff, ais, aps, B, bOff, ldb, C, cOff, ldc);
  }
  gemmJs(m, n, k, alpha, A, aOff, ais, aps, B, bOff, ldb, C, cOff, ldc);
}

/**
 * Whether `_gemm` takes its m × n × k product to WebAssembly: copying the operands into the
 * kernels' memory costs O(mk + kn + mn), which pays off once each entry of C gets a few dozen
 * multiply-adds.
 */
export function _wasmWorthIt(m: number, n: number, k: number): boolean {
  return k >= 8 && m * n * k >= 32768;
}

const KC = 128; // rows of B per packed panel
const NC = 1024; // columns of B per packed panel: KC·NC doubles (1 MiB) stay in L2
/** The WebAssembly path's column blocking, for callers that pack B themselves. */
export const GEMM_NC = NC;

/** dst[d … d+NR−1] = src[s … s+NR−1]: one row of a packed strip. */
function copyStrip(dst: Float64Array, d: number, src: Float64Array, s: number): void {
  if (NR === 8) {
    // written out: twice as fast as the loop below
    dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]; dst[d + 3] = src[s + 3];
    dst[d + 4] = src[s + 4]; dst[d + 5] = src[s + 5]; dst[d + 6] = src[s + 6]; dst[d + 7] = src[s + 7];
  } else {
    for (let t = 0; t < NR; t++) dst[d + t] = src[s + t];
  }
}

/**
 * The WebAssembly path: A (scaled by alpha) and C are copied row by row into the kernels'
 * memory, rows padded with zeros to a multiple of MR and columns of C to a multiple of NR; B is
 * packed panel by panel into strips of NR columns, so the kernel reads it contiguously (19 vs
 * 15 GFlop/s unpacked at n = 1024); C is copied back. `_gemm` takes it for large products only;
 * callers that need the kernel's summation order at every size call it directly (as `_gemmWasm`).
 */
export function _gemmWasm(
  K: Kernels, m: number, n: number, k: number, alpha: number,
  A: Float64Array, aOff: number, ais: number, aps: number,
  B: Float64Array, bOff: number, ldb: number,
  C: Float64Array, cOff: number, ldc: number,
): void {
  const mp = Math.ceil(m / MR) * MR;
  const np = Math.ceil(n / NR) * NR;
  const kcMax = Math.min(KC, k), ncMax = Math.min(NC, np);
  const base = _heapAlloc(mp * k + mp * np + kcMax * ncMax);
  const offA = base, offC = offA + mp * k, offB = offC + mp * np;
  const H = _heapView();
  // Operands stored whole (rows back to back, no padding) go in one copy: row by row, the
  // subarray per row cost more than the copying for the tall, narrow products of attention.
  if (aps === 1 && ais === k && alpha === 1) H.set(A.subarray(aOff, aOff + m * k), offA);
  else {
    for (let i = 0; i < m; i++) {
      const src = aOff + i * ais, dst = offA + i * k;
      if (aps === 1 && alpha === 1) H.set(A.subarray(src, src + k), dst);
      else for (let p = 0; p < k; p++) H[dst + p] = alpha * A[src + p * aps];
    }
  }
  H.fill(0, offA + m * k, offA + mp * k);
  const wholeC = np === n && ldc === n;
  if (wholeC) H.set(C.subarray(cOff, cOff + m * n), offC);
  else {
    for (let i = 0; i < m; i++) {
      const dst = offC + i * np;
      H.set(C.subarray(cOff + i * ldc, cOff + i * ldc + n), dst);
      H.fill(0, dst + n, dst + np);
    }
  }
  H.fill(0, offC + m * np, offC + mp * np);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    for (let j0 = 0; j0 < np; j0 += NC) {
      const nc = Math.min(NC, np - j0), ns = nc / NR;
      const full = Math.min(ns, Math.floor((n - j0) / NR)); // strips with no column past n
      // row p of B scatters into row p of every strip: reads stay sequential
      for (let p = 0; p < kc; p++) {
        const src = bOff + (p0 + p) * ldb + j0;
        let dst = offB + p * NR;
        for (let st = 0; st < full; st++, dst += kc * NR) copyStrip(H, dst, B, src + st * NR);
        for (let st = full; st < ns; st++, dst += kc * NR) {
          for (let t = 0; t < NR; t++) {
            const col = j0 + st * NR + t;
            H[dst + t] = col < n ? B[src + st * NR + t] : 0;
          }
        }
      }
      _panel(K, 8 * (offA + p0), 8 * k, 8 * offB, 8 * (offC + j0), 8 * np, mp, ns, kc, 8 * NR, 8 * kc * NR);
    }
  }
  if (wholeC) C.set(H.subarray(offC, offC + m * n), cOff);
  else for (let i = 0; i < m; i++) C.set(H.subarray(offC + i * np, offC + i * np + n), cOff + i * ldc);
  _heapRelease(base);
}

/** The JavaScript path: for small products, and where WebAssembly SIMD is unavailable. */
function gemmJs(
  m: number, n: number, k: number, alpha: number,
  A: Float64Array, aOff: number, ais: number, aps: number,
  B: Float64Array, bOff: number, ldb: number,
  C: Float64Array, cOff: number, ldc: number,
): void {
  // Panels of B of at most KC rows stay in cache while every block of C rows passes over them.
  const KC = 256;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const p1 = Math.min(k, p0 + KC);
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const c0 = cOff + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
      const a0 = aOff + i * ais, a1 = a0 + ais, a2 = a1 + ais, a3 = a2 + ais;
      let p = p0;
      for (; p + 3 < p1; p += 4) {
        const q0 = p * aps, q1 = q0 + aps, q2 = q1 + aps, q3 = q2 + aps;
        const x00 = alpha * A[a0 + q0], x01 = alpha * A[a0 + q1], x02 = alpha * A[a0 + q2], x03 = alpha * A[a0 + q3];
        const x10 = alpha * A[a1 + q0], x11 = alpha * A[a1 + q1], x12 = alpha * A[a1 + q2], x13 = alpha * A[a1 + q3];
        const x20 = alpha * A[a2 + q0], x21 = alpha * A[a2 + q1], x22 = alpha * A[a2 + q2], x23 = alpha * A[a2 + q3];
        const x30 = alpha * A[a3 + q0], x31 = alpha * A[a3 + q1], x32 = alpha * A[a3 + q2], x33 = alpha * A[a3 + q3];
        const b0 = bOff + p * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        for (let j = 0; j < n; j++) {
          const y0 = B[b0 + j], y1 = B[b1 + j], y2 = B[b2 + j], y3 = B[b3 + j];
          C[c0 + j] += x00 * y0 + x01 * y1 + x02 * y2 + x03 * y3;
          C[c1 + j] += x10 * y0 + x11 * y1 + x12 * y2 + x13 * y3;
          C[c2 + j] += x20 * y0 + x21 * y1 + x22 * y2 + x23 * y3;
          C[c3 + j] += x30 * y0 + x31 * y1 + x32 * y2 + x33 * y3;
        }
      }
      for (; p < p1; p++) {
        const q = p * aps;
        const x0 = alpha * A[a0 + q], x1 = alpha * A[a1 + q], x2 = alpha * A[a2 + q], x3 = alpha * A[a3 + q];
        const b0 = bOff + p * ldb;
        for (let j = 0; j < n; j++) {
          const y = B[b0 + j];
          C[c0 + j] += x0 * y;
          C[c1 + j] += x1 * y;
          C[c2 + j] += x2 * y;
          C[c3 + j] += x3 * y;
        }
      }
    }
    for (; i < m; i++) {
      const c0 = cOff + i * ldc;
      const a0 = aOff + i * ais;
      let p = p0;
      for (; p + 3 < p1; p += 4) {
        const x0 = alpha * A[a0 + p * aps], x1 = alpha * A[a0 + (p + 1) * aps];
        const x2 = alpha * A[a0 + (p + 2) * aps], x3 = alpha * A[a0 + (p + 3) * aps];
        const b0 = bOff + p * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        for (let j = 0; j < n; j++) C[c0 + j] += x0 * B[b0 + j] + x1 * B[b1 + j] + x2 * B[b2 + j] + x3 * B[b3 + j];
      }
      for (; p < p1; p++) {
        const x = alpha * A[a0 + p * aps];
        const b0 = bOff + p * ldb;
        for (let j = 0; j < n; j++) C[c0 + j] += x * B[b0 + j];
      }
    }
  }
}

/** Below this many rows of A, `_gemmHeap` reads B unpacked. */
const UNPACKED_ROWS = 64;

/** Doubles of scratch `_gemmHeap` takes from the kernels' memory (reserve it beforehand). */
export const GEMM_HEAP_SCRATCH = KC * NC;

/**
 * C += A B for operands already in the kernels' memory (offsets and row strides in doubles):
 * A m × k, B k × n, C m × n, updated in place. Only B is copied (packed, into GEMM_HEAP_SCRATCH
 * doubles taken from the heap), and only when A has enough rows to repay it; the last m mod MR
 * rows and n mod NR columns run in JavaScript. A row stride of B of exactly 8 KiB costs ~25% when
 * unpacked (every row of a strip on the same cache sets): callers pad it. `split = false` keeps
 * the product on this thread (see _panel).
 */
export function _gemmHeap(K: Kernels, m: number, n: number, k: number, offA: number, lda: number, offB: number, ldb: number, offC: number, ldc: number, split = true): void {
  if (m === 0 || n === 0 || k === 0) return;
  const mm = m - (m % MR), nn = n - (n % NR);
  const pack = _heapAlloc(Math.min(KC, k) * Math.min(NC, Math.max(nn, NR)));
  const H = _heapView();
  if (mm > 0 && nn > 0 && m < UNPACKED_ROWS) {
    // Few rows of A: packing B would cost more than the kernel's slower reads of it in place.
    // One call for all of k: _panel blocks it by KC_BLOCK rows, and splits it across the threads once.
    _panel(K, 8 * offA, 8 * lda, 8 * offB, 8 * offC, 8 * ldc, mm, nn / NR, k, 8 * ldb, 8 * NR, split);
  } else if (mm > 0 && nn > 0) {
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      for (let j0 = 0; j0 < nn; j0 += NC) {
        const ns = Math.min(NC, nn - j0) / NR;
        for (let p = 0; p < kc; p++) {
          const src = offB + (p0 + p) * ldb + j0;
          let dst = pack + p * NR;
          for (let st = 0; st < ns; st++, dst += kc * NR) copyStrip(H, dst, H, src + st * NR);
        }
        _panel(K, 8 * (offA + p0), 8 * lda, 8 * pack, 8 * (offC + j0), 8 * ldc, mm, ns, kc, 8 * NR, 8 * kc * NR, split);
      }
    }
  }
  for (let i = 0; i < m; i++) {
    const c0 = i < mm ? nn : 0; // fringe columns of full row blocks, whole rows of the last one
    if (c0 >= n) continue;
    const ci = offC + i * ldc, ai = offA + i * lda;
    for (let p = 0; p < k; p++) {
      const a = H[ai + p];
      if (a === 0) continue;
      const bp = offB + p * ldb;
      for (let j = c0; j < n; j++) H[ci + j] += a * H[bp + j];
    }
  }
  _heapRelease(pack);
}
