import { GEMM_HEAP_SCRATCH, _gemm, _gemmHeap } from "./gemm.js";
import { REFLECT_COLUMNS, REFLECT_NB, _heapAlloc, _heapRelease, _heapView, _kernels, _threads, type Kernels } from "./wasm/kernels.js";
import { _burst, _reflect } from "./wasm/pool.js";

/**
 * A product Q = H₀ H₁ … H_{count-1} of Householder reflectors, stored where QR or
 * bidiagonalisation left them. Reflector p acts on coordinates p + shift … L-1; its vector has an
 * implicit 1 at coordinate p + shift and entry i > p + shift at data[off + p·ps + i·is]. QR's
 * reflectors sit below the diagonal of a row-major m×n array (ps = 1, is = n, shift 0); the right
 * reflectors of bidiagonalisation sit right of the superdiagonal (ps = n, is = 1, shift 1).
 */
export interface Reflectors {
  data: Float64Array;
  off: number;
  ps: number;
  is: number;
  shift: number;
  /** Dimension of the space Q acts on. */
  L: number;
  count: number;
  tau: Float64Array;
}

const NB = REFLECT_NB; // reflectors per block (measured: 32 beats 48, 64 and 96 at n = 256, ties at 1024)

/**
 * From L · ncols entries of X on, _applyReflectors works on a copy of X in the kernels' memory
 * (where there is one), so X itself is only written, at the end.
 */
const RESIDENT_ENTRIES = 16384;

/**
 * Whether _applyReflectors(H, X, …, ncols, …) writes X only once it has read every reflector, so
 * that X may be the very array that holds them (svd's output overwriting its scratch copy).
 */
export function _writesAfterReading(H: Reflectors, ncols: number): boolean {
  return H.L * ncols >= RESIDENT_ENTRIES && _kernels() !== null;
}

/**
 * X's row stride in applyResident: whole chunks of `reflect` (which may write past ncols, never
 * past the row), plus 8 so that it is never a multiple of 8 KiB (see _gemmHeap).
 */
const residentStride = (ncols: number) => Math.ceil(ncols / REFLECT_COLUMNS) * REFLECT_COLUMNS + 8;

/** Doubles of one set of a block's Yᵀ (NB × L), Y ((L + 1) × NB) and T (NB × NB) in applyResident. */
const setDoubles = (L: number) => NB * L + (L + 1) * NB + NB * NB;

/**
 * Doubles applyResident allocates: X (L + 1 rows, see `reflect`), two sets of a block's Yᵀ, Y
 * and T (one is filled while the other is used), the Gram matrix G, and each thread's W and TW.
 */
const residentDoubles = (L: number, ncols: number) => (L + 1) * residentStride(ncols) + 2 * setDoubles(L) + NB * NB + _threads() * 2 * NB * REFLECT_COLUMNS;

/**
 * Doubles of the kernels' memory _applyReflectors takes for L × ncols, at most (for callers that
 * must know ahead whether everything fits, see _heapFits).
 */
export function _reflectorsScratch(L: number, ncols: number): number {
  return residentDoubles(L, ncols) + GEMM_HEAP_SCRATCH + 4; // + 16-byte alignment of each allocation
}

/**
 * Writes the starting value of X (L × ncols) into `dst` from `off` with row stride `ld`: for a
 * caller whose X is not yet in an array of its own (see _applyReflectors).
 */
export type LoadX = (dst: Float64Array, off: number, ld: number) => void;

/**
 * X ← Q X (or Qᵀ X when `transpose`), X being L × ncols row-major at xOff with row stride ldx.
 * Blocks of NB reflectors are applied as one compact-WY update I - Y T Yᵀ (Schreiber & Van Loan
 * 1989, "A storage-efficient WY representation for products of Householder transformations"),
 * so nearly all the work is two matrix products instead of 2·count rank-one updates.
 * With `load`, X's starting value comes from it (X's own entries are never read): svd writes
 * the bidiagonal's vectors straight into the kernels' copy, instead of into X to be copied there.
 */
export function _applyReflectors(H: Reflectors, X: Float64Array, xOff: number, ldx: number, ncols: number, transpose: boolean, load?: LoadX): void {
  if (load && (H.count === 0 || ncols === 0)) load(X, xOff, ldx);
  if (H.count === 0 || ncols === 0) return;
  const K = H.L * ncols >= RESIDENT_ENTRIES ? _kernels() : null;
  if (K) return applyResident(K, H, X, xOff, ldx, ncols, transpose, load);
  load?.(X, xOff, ldx);
  const nblocks = Math.ceil(H.count / NB);
  const Yt = new Float64Array(NB * H.L);
  const W = new Float64Array(NB * ncols), TW = new Float64Array(NB * ncols);
  for (let s = 0; s < nblocks; s++) {
    const blk = transpose ? s : nblocks - 1 - s;
    const p0 = blk * NB;
    const b = Math.min(NB, H.count - p0);
    const r0 = p0 + H.shift;
    const len = H.L - r0;
    if (len <= 0) continue;
    const T = fillBlock(H, p0, b, len, Yt);
    W.fill(0, 0, b * ncols);
    _gemm(b, ncols, len, 1, Yt, 0, len, 1, X, xOff + r0 * ldx, ldx, W, 0, ncols); // W = Yᵀ X
    TW.fill(0, 0, b * ncols);
    // T W, or Tᵀ W for Qᵀ (T is upper triangular; its zeros cost little next to Yᵀ X)
    _gemm(b, ncols, b, 1, T, 0, transpose ? 1 : NB, transpose ? NB : 1, W, 0, ncols, TW, 0, ncols);
    _gemm(len, ncols, b, -1, Yt, 0, 1, len, TW, 0, ncols, X, xOff + r0 * ldx, ldx); // X -= Y T W
  }
}

/**
 * The same in the kernels' memory: X is copied in once and out once, and every block updates it
 * in place (copying X per product cost ~40% extra at n = 1024). A block's three products run
 * chunk by chunk of X's columns (`reflect`), each thread on its own chunks, so a chunk is read
 * from memory once for all three and the threads meet once a block, not after every product.
 * Each block's Yᵀ, Y and T are built (`blockInHeap`) while the workers start on the previous
 * block, and between blocks they poll rather than sleep (`_burst`).
 */
function applyResident(K: Kernels, H: Reflectors, X: Float64Array, xOff: number, ldx: number, ncols: number, transpose: boolean, load?: LoadX): void {
  const L = H.L;
  const ld = residentStride(ncols);
  const base = _heapAlloc(residentDoubles(L, ncols));
  // Reserve the Gram product's scratch, so the view below stays attached.
  _heapRelease(_heapAlloc(GEMM_HEAP_SCRATCH));
  const M = _heapView();
  const xh = base, set0 = xh + (L + 1) * ld, g = set0 + 2 * setDoubles(L), w = g + NB * NB;
  if (load) load(M, xh, ld);
  else for (let i = 0; i < L; i++) M.set(X.subarray(xOff + i * ldx, xOff + i * ldx + ncols), xh + i * ld);
  const nblocks = Math.ceil(H.count / NB);
  const blockAt = (s: number) => (transpose ? s : nblocks - 1 - s);
  const sets = [set0, set0 + setDoubles(L)].map((at): BlockSet => ({ yt: at, y: at + NB * L, t: at + NB * L + (L + 1) * NB }));
  const chunks = Math.ceil(ncols / REFLECT_COLUMNS);
  _burst(() => {
    blockInHeap(K, H, blockAt(0), transpose, M, sets[0], g);
    for (let s = 0; s < nblocks; s++) {
      const cur = sets[s % 2];
      const p0 = blockAt(s) * NB, b = Math.min(NB, H.count - p0), r0 = p0 + H.shift, len = L - r0;
      const next = s + 1 < nblocks ? () => blockInHeap(K, H, blockAt(s + 1), transpose, M, sets[(s + 1) % 2], g) : undefined;
      if (len <= 0) { next?.(); continue; }
      // X -= Y T (Yᵀ X), the rows from r0 on
      _reflect(K, 8 * cur.yt, 8 * cur.y, 8 * cur.t, 8 * (xh + r0 * ld), 8 * ld, len, b, chunks, 8 * w, 16 * NB * REFLECT_COLUMNS, next);
    }
  });
  for (let i = 0; i < L; i++) X.set(M.subarray(xh + i * ld, xh + i * ld + ncols), xOff + i * ldx);
  _heapRelease(base);
}

/** Where one block's Yᵀ (b × len), Y (len × NB) and -T or -Tᵀ (NB × NB) sit in the kernels' memory. */
interface BlockSet {
  yt: number;
  y: number;
  t: number;
}

/**
 * Block `blk`'s reflectors into `at`, for applyResident: Yᵀ and Y straight from H (in the order
 * that reads H along its rows), T from their Gram matrix YᵀY, computed by the product kernel into
 * the scratch at `g` (a few µs, where the dot products in JavaScript took ~0.3 ms a block), and
 * stored negated (transposed for Qᵀ) so that the last product adds: X += Y (-T W).
 */
function blockInHeap(K: Kernels, H: Reflectors, blk: number, transpose: boolean, M: Float64Array, at: BlockSet, g: number): void {
  const p0 = blk * NB, b = Math.min(NB, H.count - p0), r0 = p0 + H.shift, len = H.L - r0;
  if (len <= 0) return;
  const { yt, y } = at;
  M.fill(0, y + len * NB, y + (len + 1) * NB); // the zero rows that `reflect` reads past len and b
  if (b % 2 === 1) M.fill(0, yt + b * len, yt + (b + 1) * len);
  // Entry i of reflector q is 0 above its unit diagonal, then H's.
  const entry = (q: number, i: number) => (i < q ? 0 : i === q ? 1 : H.data[H.off + (p0 + q) * H.ps + (r0 + i) * H.is]);
  if (H.is === 1) {
    for (let q = 0; q < b; q++) for (let i = 0; i < len; i++) M[yt + q * len + i] = M[y + i * NB + q] = entry(q, i);
  } else {
    for (let i = 0; i < len; i++) for (let q = 0; q < b; q++) M[yt + q * len + i] = M[y + i * NB + q] = entry(q, i);
  }
  M.fill(0, g, g + b * NB);
  _gemmHeap(K, b, b, len, yt, len, y, NB, g, NB, false); // G = Yᵀ Y
  const T = triangularFactor(b, (r, q) => M[g + r * NB + q], (q) => H.tau[p0 + q]);
  for (let i = 0; i < NB; i++) for (let j = 0; j < NB; j++) M[at.t + i * NB + j] = -(transpose ? T[j * NB + i] : T[i * NB + j]);
}

/**
 * The upper-triangular T (NB × NB, zero past b) with H_0 … H_{b-1} = I - Y T Yᵀ, from the Gram
 * matrix G = YᵀY of the reflectors' vectors and their τ (LAPACK dlarft's recurrence): column q is
 * τ_q e_q above -τ_q T (YᵀY)_{·,q}.
 */
function triangularFactor(b: number, gram: (r: number, q: number) => number, tau: (q: number) => number): Float64Array {
  const T = new Float64Array(NB * NB);
  for (let q = 0; q < b; q++) {
    const tq = tau(q);
    T[q * NB + q] = tq;
    if (tq === 0) continue;
    for (let r = 0; r < q; r++) {
      let s = 0;
      for (let c = r; c < q; c++) s += T[r * NB + c] * gram(c, q);
      T[r * NB + q] = -tq * s;
    }
  }
  return T;
}

/**
 * Copies reflectors p0 … p0+b-1 into the rows of Yt (b × len, coordinates from p0 + shift on)
 * and returns the upper-triangular T with H_{p0} … H_{p0+b-1} = I - Y T Yᵀ (see triangularFactor).
 */
function fillBlock(H: Reflectors, p0: number, b: number, len: number, Yt: Float64Array): Float64Array {
  const r0 = p0 + H.shift;
  for (let q = 0; q < b; q++) {
    const row = q * len;
    Yt.fill(0, row, row + q);
    Yt[row + q] = 1;
    const base = H.off + (p0 + q) * H.ps;
    for (let i = q + 1; i < len; i++) Yt[row + i] = H.data[base + (r0 + i) * H.is];
  }
  // The Gram matrix's upper triangle: rows r < q of Yt are zero before q, so the dot starts there.
  const G = new Float64Array(NB * NB);
  for (let q = 0; q < b; q++) for (let r = 0; r < q; r++) G[r * NB + q] = dot(Yt, r * len + q, q * len + q, len - q);
  return triangularFactor(b, (r, q) => G[r * NB + q], (q) => H.tau[p0 + q]);
}

/** x[a…a+len) · x[b…b+len) with four partial sums, so the adds do not wait on each other. */
function dot(x: Float64Array, a: number, b: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += x[a + i] * x[b + i];
    s1 += x[a + i + 1] * x[b + i + 1];
    s2 += x[a + i + 2] * x[b + i + 2];
    s3 += x[a + i + 3] * x[b + i + 3];
  }
  for (; i < len; i++) s0 += x[a + i] * x[b + i];
  return (s0 + s1) + (s2 + s3);
}
