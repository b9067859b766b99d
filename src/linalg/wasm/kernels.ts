import { threadCount } from "../../compute/threads.js";
import { F64, I32, V128, op, wasmModule, type Bytes } from "./assemble.js";

/**
 * WebAssembly SIMD kernels for the Float64 products that dominate linalg's run time. V8 turns
 * f64x2 arithmetic into packed SSE/AVX instructions, which plain JavaScript never gets: the
 * product kernel below measured ~18 GFlop/s on one core where the best JavaScript loop
 * (gemm.ts) reaches ~5.5. Where WebAssembly SIMD is missing, callers fall back to JavaScript.
 */

/** Rows × columns of the block of C that the kernel keeps in registers (8 f64x2 accumulators). */
export const MR = 2, NR = 8;

/** Rows of B per `panel` call within `panels`: the 8-column strips of B they read stay in L1. */
export const KC_BLOCK = 128;

/** Columns of X per chunk of `reflect`: a 1024-row chunk (256 KiB) stays in L2 between its products. */
export const REFLECT_COLUMNS = 32;
/** The block size of the reflectors `reflect` applies (the row stride of Y and T, in doubles). */
export const REFLECT_NB = 32;

export interface Kernels {
  /**
   * C[i, j] += Σ_{p < kc} A[i, p] B[p, j] for rows i < mp (a multiple of MR) and ns strips of NR
   * columns. Addresses and strides are in bytes: A row-major from pA with row stride lda, C from
   * pC with row stride ldc, and B's entry (p, j) of strip s at pB + s·bStrip + p·bRow + 8·(j mod NR).
   */
  panel(pA: number, lda: number, pB: number, pC: number, ldc: number, mp: number, ns: number, kc: number, bRow: number, bStrip: number): void;
  /**
   * The same panel in chunks that the threads calling it claim one at a time, so a thread that
   * runs slower (its core shared with another process, or its operands in the other core's cache)
   * simply takes fewer. The int32 at pCtl holds (end << 16) | first, the chunks not yet claimed;
   * `mode` is (chunk << 2) | (fromEnd << 1) | byRows: chunks of `chunk` rows (byRows; a multiple
   * of MR) or `chunk` strips of C, claimed from the first (fromEnd = 0) or from the last. Each
   * entry of C is computed exactly as by one `panel` call, whoever claims its chunk. A kc above
   * KC_BLOCK runs as `panel` calls on consecutive blocks of KC_BLOCK rows of B, for B read in
   * place (row p at pB + p·bRow), so that one split serves a whole product.
   */
  panels(pA: number, lda: number, pB: number, pC: number, ldc: number, mp: number, ns: number, kc: number, bRow: number, bStrip: number, pCtl: number, mode: number): void;
  /** out[c] += Σ_{r < rows} v[r] F[r, c] for c < len (rows a multiple of 4, len even): Aᵀv. */
  atv(pF: number, ldf: number, rows: number, pv: number, pout: number, len: number): void;
  /** x[r] = Σ_{c < len} F[r, c] u[c] for r < rows (rows a multiple of 4, len even): Au. */
  av(pF: number, ldf: number, rows: number, pu: number, px: number, len: number): void;
  /**
   * Au and then Aᵀw in one pass over F, for rows r < rows (a multiple of 4) and columns c < len
   * (any): a = F[r, ·] u, x[r] = τ (a - corr[r]) with τ the double at pTau, w[r] = pre[r] - x[r],
   * then out[c] += Σ_r w[r] F[r, c], each group of four rows added while it is still in cache.
   * The bidiagonalisation's two products of a step share the pass this way (see panelMatvec.ts).
   */
  auAtv(pF: number, ldf: number, rows: number, pu: number, len: number, pPre: number, pCorr: number, pTau: number, px: number, pw: number, pout: number): void;
  /**
   * One block of reflectors applied to chunks of REFLECT_COLUMNS columns of X, claimed from the
   * word at pCtl like `panels`' chunks (from the last when fromEnd): per chunk, W = Yᵀ X[:, chunk],
   * TW = (-T) W and X[:, chunk] += Y TW, three `panel` calls with the chunk still in cache and no
   * thread waiting on another between them. Yᵀ is b × len (row stride len), Y len × NB and -T NB × NB
   * (row stride NB), X len × ·, row stride ldx bytes; W and TW (NB × REFLECT_COLUMNS each) are
   * the calling thread's scratch at pW. An odd b or len reads one more row of Yᵀ or Y, and writes
   * one more row of X: zeros there keep that row as it is. Each entry comes out as from the three
   * products made whole (`panels` in KC_BLOCK rows).
   */
  reflect(pYt: number, pY: number, pT: number, pX: number, ldx: number, len: number, b: number, pW: number, pCtl: number, fromEnd: number): void;
}

let instance: Kernels | null | undefined;
let memory: WebAssembly.Memory | undefined;
let enabled = true;
/** Doubles at the start of the memory kept out of _heapAlloc's reach: `panels`' claim word. */
const RESERVED = 2;
/** Byte address of the claim word that `panels` (see Kernels) takes chunks from. */
export const CLAIMS = 0;
let top = RESERVED; // doubles in use, for _heapAlloc's stack discipline
let view: Float64Array | undefined;
let claims: Int32Array | undefined;

/** A memory larger than this is dropped once idle (WebAssembly memory can grow but never shrink). */
const KEEP_BYTES = 64 * 2 ** 20;

/**
 * With threads, the memory is shared (a SharedArrayBuffer) so that pool.ts's workers run the same
 * module on the same operands. A shared memory cannot move, so it declares its maximum up front:
 * wasm32's whole 4 GiB, which V8 reserves as address space only, as it does for every memory.
 */
const MAX_PAGES = 65536;

/** The compiled module and the memory that workers instantiate it on. */
export interface SharedKernels {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}

let shared: SharedKernels | null = null; // while the memory is shared
let onShared: ((s: SharedKernels) => void) | undefined;
let threads: number | undefined;

/**
 * Threads for the product kernel: compute's threadCount() (LOWRANK_THREADS, else
 * os.availableParallelism()) unless a test set it. 1 means no workers and an unshared memory.
 */
export function _threads(): number {
  threads ??= threadCount();
  return threads;
}

/**
 * Overrides the thread count, so tests can compare counts in one process. It takes effect from
 * the next _kernels() call that finds nothing allocated.
 */
export function _setThreads(n: number): void {
  threads = n;
}

/** The module and shared memory for the workers, or null when the memory is not shared. */
export function _sharedKernels(): SharedKernels | null {
  return shared;
}

/** Called with every new shared memory: pool.ts retires the workers bound to the old one. */
export function _onSharedMemory(listener: (s: SharedKernels) => void): void {
  onShared = listener;
}

/**
 * The kernels, or null where WebAssembly SIMD is unavailable (or switched off for tests). When
 * nothing is allocated and the memory has grown past KEEP_BYTES, a fresh instance replaces it, so
 * one large factorisation does not pin its memory for the life of the process (likewise when the
 * thread count changed between shared and unshared). Callers hold the returned kernels only while
 * they have an allocation outstanding.
 */
export function _kernels(): Kernels | null {
  if (!enabled) return null;
  if (instance && top === RESERVED && (memory!.buffer.byteLength > KEEP_BYTES || (shared !== null) !== _threads() > 1)) {
    instance = undefined;
    memory = undefined;
    view = undefined;
    shared = null;
  }
  if (instance === undefined) instance = instantiate();
  return instance;
}

/** Switches the WebAssembly path off or on, so tests can check that both paths agree. */
export function _setWasmEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Reserves `doubles` entries of the kernels' memory and returns their offset (in doubles).
 * Reservations nest like a stack: release with _heapRelease(offset) in reverse order. Growing the
 * memory detaches every earlier view, so a caller that keeps a view across calls that may
 * allocate must reserve all it needs first.
 */
export function _heapAlloc(doubles: number): number {
  const off = top;
  top += doubles + (doubles & 1); // keep 16-byte alignment for v128 loads
  const need = top * 8;
  const mem = memory!;
  if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  return off;
}

export function _heapRelease(offset: number): void {
  top = offset;
}

/**
 * Whether `doubles` more, on top of what is allocated now, keep the memory within the size that
 * is kept between calls: past it, the next call would start on a fresh memory and pay a page
 * fault for every 4 KiB it touches again.
 */
export function _heapFits(doubles: number): boolean {
  return (top + doubles) * 8 <= KEEP_BYTES;
}

/**
 * Sets `panels`' claim word to the chunks first … end-1, before any thread calls it. Atomic, so a
 * worker woken afterwards (by another atomic operation) sees it.
 */
export function _setClaims(first: number, end: number): void {
  const buf = memory!.buffer;
  if (claims === undefined || claims.buffer !== buf) claims = new Int32Array(buf, CLAIMS, 1);
  Atomics.store(claims, 0, (end << 16) | first);
}

/** A Float64Array over all of the kernels' memory (re-made after the memory grew). */
export function _heapView(): Float64Array {
  const buf = memory!.buffer;
  if (view === undefined || view.buffer !== buf) view = new Float64Array(buf);
  return view;
}

function instantiate(): Kernels | null {
  if (typeof WebAssembly !== "object") return null;
  if (_threads() > 1) {
    // Where shared memory is missing, fall back to one thread rather than to JavaScript.
    try {
      const bytes = wasmModule([panelKernel(), atvKernel(), avKernel(), panelsKernel(), auAtvKernel(), reflectKernel()], { initial: 16, maximum: MAX_PAGES, shared: true });
      const module = new WebAssembly.Module(bytes);
      memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
      const inst = new WebAssembly.Instance(module, { env: { memory } });
      shared = { module, memory };
      onShared?.(shared);
      return inst.exports as unknown as Kernels;
    } catch {
      shared = null;
      threads = 1;
    }
  }
  try {
    const bytes = wasmModule([panelKernel(), atvKernel(), avKernel(), panelsKernel(), auAtvKernel(), reflectKernel()]);
    if (!WebAssembly.validate(bytes)) return null;
    memory = new WebAssembly.Memory({ initial: 16 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return inst.exports as unknown as Kernels;
  } catch {
    return null;
  }
}

/** Builds `panel` (see Kernels). Locals are numbered after the 10 parameters. */
function panelKernel() {
  const [pA, lda, pB, pC, ldc, mp, ns, kc, bRow, bStrip] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const i = 10, s = 11, p = 12, b = 13, c = 14, aRow = 15, cRow = 16, bs = 17, a0 = 18; // a0 … a0+MR-1: row pointers into A
  const NV = NR / 2;
  const acc = (r: number, h: number) => a0 + MR + r * NV + h; // v128 accumulators
  const bv = (h: number) => a0 + MR + MR * NV + h;
  const av = a0 + MR + MR * NV + NV;
  const body: Bytes[] = [];
  const e = (...xs: Bytes[]) => body.push(...xs);
  const rowAddr = (base: number, stride: number, r: number) => (r === 0 ? [op.localGet(base)] : [op.localGet(base), op.localGet(stride), op.i32Const(r), op.i32Mul, op.i32Add]);
  e(op.i32Const(0), op.localSet(i), op.localGet(pA), op.localSet(aRow), op.localGet(pC), op.localSet(cRow));
  e(op.block, op.loop); // over blocks of MR rows
  e(op.localGet(i), op.localGet(mp), op.i32GeS, op.brIf(1));
  e(op.i32Const(0), op.localSet(s), op.localGet(pB), op.localSet(bs), op.localGet(cRow), op.localSet(c));
  e(op.block, op.loop); // over strips of NR columns
  e(op.localGet(s), op.localGet(ns), op.i32GeS, op.brIf(1));
  for (let r = 0; r < MR; r++) for (let h = 0; h < NV; h++) e(...rowAddr(c, ldc, r), op.v128Load(16 * h), op.localSet(acc(r, h)));
  for (let r = 0; r < MR; r++) e(...rowAddr(aRow, lda, r), op.localSet(a0 + r));
  e(op.localGet(bs), op.localSet(b), op.i32Const(0), op.localSet(p));
  e(op.block, op.loop); // over p: one rank-1 update of the MR × NR block held in registers
  e(op.localGet(p), op.localGet(kc), op.i32GeS, op.brIf(1));
  for (let h = 0; h < NV; h++) e(op.localGet(b), op.v128Load(16 * h), op.localSet(bv(h)));
  for (let r = 0; r < MR; r++) {
    e(op.localGet(a0 + r), op.v128Load64Splat(0), op.localSet(av));
    for (let h = 0; h < NV; h++) e(op.localGet(acc(r, h)), op.localGet(av), op.localGet(bv(h)), op.f64x2Mul, op.f64x2Add, op.localSet(acc(r, h)));
  }
  for (let r = 0; r < MR; r++) e(op.localGet(a0 + r), op.i32Const(8), op.i32Add, op.localSet(a0 + r));
  e(op.localGet(b), op.localGet(bRow), op.i32Add, op.localSet(b));
  e(op.localGet(p), op.i32Const(1), op.i32Add, op.localSet(p));
  e(op.br(0), op.end, op.end);
  for (let r = 0; r < MR; r++) for (let h = 0; h < NV; h++) e(...rowAddr(c, ldc, r), op.localGet(acc(r, h)), op.v128Store(16 * h));
  e(op.localGet(c), op.i32Const(8 * NR), op.i32Add, op.localSet(c));
  e(op.localGet(bs), op.localGet(bStrip), op.i32Add, op.localSet(bs));
  e(op.localGet(s), op.i32Const(1), op.i32Add, op.localSet(s));
  e(op.br(0), op.end, op.end);
  e(op.localGet(aRow), op.localGet(lda), op.i32Const(MR), op.i32Mul, op.i32Add, op.localSet(aRow));
  e(op.localGet(cRow), op.localGet(ldc), op.i32Const(MR), op.i32Mul, op.i32Add, op.localSet(cRow));
  e(op.localGet(i), op.i32Const(MR), op.i32Add, op.localSet(i));
  e(op.br(0), op.end, op.end);
  const locals = [...Array(8 + MR).fill(I32), ...Array(MR * NV + NV + 1).fill(V128)];
  return { name: "panel", params: Array(10).fill(I32), locals, body };
}

/**
 * Claims one chunk from the word at pCtl ((end << 16) | first, the chunks not yet claimed): the
 * last when the local fromEnd is set, else the first, retrying if another thread changed the word
 * meanwhile, and leaves its index on the stack. Inside `block, loop`: with nothing left it
 * leaves that block (br 1); locals v, lo and hi are scratch.
 */
function claimChunk(pCtl: number, fromEnd: number, v: number, lo: number, hi: number): Bytes[] {
  return [
    op.localGet(pCtl), op.i32AtomicLoad(0), op.localSet(v),
    op.localGet(v), op.i32Const(0xffff), op.i32And, op.localSet(lo),
    op.localGet(v), op.i32Const(16), op.i32ShrU, op.localSet(hi),
    op.localGet(lo), op.localGet(hi), op.i32GeS, op.brIf(1), // nothing left
    op.localGet(pCtl), op.localGet(v),
    op.localGet(v), op.i32Const(0x10000), op.i32Sub, op.localGet(v), op.i32Const(1), op.i32Add, op.localGet(fromEnd), op.select,
    op.i32AtomicCmpxchg(0), op.localGet(v), op.i32Ne, op.brIf(0),
    op.localGet(hi), op.i32Const(1), op.i32Sub, op.localGet(lo), op.localGet(fromEnd), op.select,
  ];
}

/** Builds `panels` (see Kernels): claims chunks with a compare-exchange and calls `panel` (function 0) on each. */
function panelsKernel() {
  const [pA, lda, pB, pC, ldc, mp, ns, kc, bRow, bStrip, pCtl, mode] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const v = 12, lo = 13, hi = 14, u0 = 15, u1 = 16, chunk = 17, units = 18, byRows = 19, fromEnd = 20, p0 = 21, kb = 22;
  const body: Bytes[] = [];
  const e = (...xs: Bytes[]) => body.push(...xs);
  e(op.localGet(mode), op.i32Const(1), op.i32And, op.localSet(byRows));
  e(op.localGet(mode), op.i32Const(2), op.i32And, op.localSet(fromEnd));
  e(op.localGet(mode), op.i32Const(2), op.i32ShrU, op.localSet(chunk));
  e(op.localGet(mp), op.localGet(ns), op.localGet(byRows), op.select, op.localSet(units));
  e(op.block, op.loop);
  e(...claimChunk(pCtl, fromEnd, v, lo, hi), op.localGet(chunk), op.i32Mul, op.localSet(u0));
  e(op.localGet(u0), op.localGet(chunk), op.i32Add, op.localSet(u1));
  e(op.localGet(u1), op.localGet(units), op.localGet(u1), op.localGet(units), op.i32LtS, op.select, op.localSet(u1));
  // panel(...) on rows u0 … u1-1 (byRows) or on strips u0 … u1-1, for p0 = 0, KC_BLOCK, … < kc
  e(op.i32Const(0), op.localSet(p0));
  e(op.block, op.loop);
  e(op.localGet(p0), op.localGet(kc), op.i32GeS, op.brIf(1));
  e(op.localGet(kc), op.localGet(p0), op.i32Sub, op.localSet(kb));
  e(op.i32Const(KC_BLOCK), op.localGet(kb), op.localGet(kb), op.i32Const(KC_BLOCK), op.i32GtS, op.select, op.localSet(kb));
  const pick = (rows: Bytes[], cols: Bytes[]) => e(...rows, ...cols, op.localGet(byRows), op.select);
  const plus = (base: number, scale: Bytes): Bytes[] => [op.localGet(base), op.localGet(u0), scale, op.i32Mul, op.i32Add];
  const count = [op.localGet(u1), op.localGet(u0), op.i32Sub];
  const rowP0 = [op.localGet(p0), op.i32Const(8), op.i32Mul, op.i32Add]; // A moves along row p0
  const bP0 = [op.localGet(p0), op.localGet(bRow), op.i32Mul, op.i32Add]; // B down to row p0
  pick([...plus(pA, op.localGet(lda)), ...rowP0], [op.localGet(pA), ...rowP0]);
  e(op.localGet(lda));
  pick([op.localGet(pB), ...bP0], [...plus(pB, op.localGet(bStrip)), ...bP0]);
  pick(plus(pC, op.localGet(ldc)), plus(pC, op.i32Const(8 * NR)));
  e(op.localGet(ldc));
  pick(count, [op.localGet(mp)]);
  pick([op.localGet(ns)], count);
  e(op.localGet(kb), op.localGet(bRow), op.localGet(bStrip), op.call(0));
  e(op.localGet(p0), op.i32Const(KC_BLOCK), op.i32Add, op.localSet(p0));
  e(op.br(0), op.end, op.end);
  e(op.br(0), op.end, op.end);
  return { name: "panels", params: Array(12).fill(I32), locals: Array(11).fill(I32), body };
}

/**
 * Builds `atv`: four rows of F per pass, two columns per f64x2, and four columns (two f64x2)
 * per loop iteration where the row allows, which runs ~20% faster than one f64x2 per iteration
 * (V8 checks for interrupts once per iteration; each column still sums the rows in order).
 */
function atvKernel() {
  const [pF, ldf, rows, pv, pout, len] = [0, 1, 2, 3, 4, 5];
  const r = 6, f0 = 7, o = 11, end = 12, end4 = 13; // f0 … f0+3: row pointers
  const v0 = 14, acc = 18; // v128: v0 … v0+3 splatted coefficients, acc and acc+1
  const body: Bytes[] = [];
  const e = (...xs: Bytes[]) => body.push(...xs);
  e(op.i32Const(0), op.localSet(r));
  e(op.block, op.loop);
  e(op.localGet(r), op.localGet(rows), op.i32GeS, op.brIf(1));
  for (let q = 0; q < 4; q++) {
    e(op.localGet(pF), op.localGet(r), op.i32Const(q), op.i32Add, op.localGet(ldf), op.i32Mul, op.i32Add, op.localSet(f0 + q));
    e(op.localGet(pv), op.localGet(r), op.i32Const(q), op.i32Add, op.i32Const(8), op.i32Mul, op.i32Add, op.v128Load64Splat(0), op.localSet(v0 + q));
  }
  e(op.localGet(pout), op.localSet(o), op.localGet(pout), op.localGet(len), op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(end));
  e(op.localGet(end), op.i32Const(24), op.i32Sub, op.localSet(end4)); // o < end4: four columns left
  const columns = (limit: number, pairs: number) => {
    e(op.block, op.loop);
    e(op.localGet(o), op.localGet(limit), op.i32GeS, op.brIf(1));
    for (let h = 0; h < pairs; h++) e(op.localGet(o), op.v128Load(16 * h), op.localSet(acc + h));
    for (let q = 0; q < 4; q++) {
      for (let h = 0; h < pairs; h++) e(op.localGet(acc + h), op.localGet(v0 + q), op.localGet(f0 + q), op.v128Load(16 * h), op.f64x2Mul, op.f64x2Add, op.localSet(acc + h));
      e(op.localGet(f0 + q), op.i32Const(16 * pairs), op.i32Add, op.localSet(f0 + q));
    }
    for (let h = 0; h < pairs; h++) e(op.localGet(o), op.localGet(acc + h), op.v128Store(16 * h));
    e(op.localGet(o), op.i32Const(16 * pairs), op.i32Add, op.localSet(o));
    e(op.br(0), op.end, op.end);
  };
  columns(end4, 2);
  columns(end, 1);
  e(op.localGet(r), op.i32Const(4), op.i32Add, op.localSet(r));
  e(op.br(0), op.end, op.end);
  return { name: "atv", params: Array(6).fill(I32), locals: [...Array(8).fill(I32), ...Array(6).fill(V128)], body };
}

/** Locals f0 … f0+3 = pF + (r + q)·ldf, the next four rows of F, and their sums a0 … a0+3 = 0. */
function fourRows(pF: number, ldf: number, r: number, f0: number, a0: number): Bytes[] {
  const out: Bytes[] = [];
  for (let q = 0; q < 4; q++) {
    out.push(op.localGet(pF), op.localGet(r), op.i32Const(q), op.i32Add, op.localGet(ldf), op.i32Mul, op.i32Add, op.localSet(f0 + q));
    out.push(op.f64Const0(), op.f64x2Splat, op.localSet(a0 + q));
  }
  return out;
}

/** Builds `av`: four rows of F per pass, each with its own f64x2 partial sums. */
function avKernel() {
  const [pF, ldf, rows, pu, px, len] = [0, 1, 2, 3, 4, 5];
  const r = 6, f0 = 7, uPtr = 11, end = 12;
  const a0 = 13, u = 17; // v128: a0 … a0+3 partial sums, u
  const body: Bytes[] = [];
  const e = (...xs: Bytes[]) => body.push(...xs);
  e(op.i32Const(0), op.localSet(r));
  e(op.block, op.loop);
  e(op.localGet(r), op.localGet(rows), op.i32GeS, op.brIf(1));
  e(...fourRows(pF, ldf, r, f0, a0));
  e(op.localGet(pu), op.localSet(uPtr), op.localGet(pu), op.localGet(len), op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(end));
  e(op.block, op.loop);
  e(op.localGet(uPtr), op.localGet(end), op.i32GeS, op.brIf(1));
  e(op.localGet(uPtr), op.v128Load(0), op.localSet(u));
  for (let q = 0; q < 4; q++) {
    e(op.localGet(a0 + q), op.localGet(f0 + q), op.v128Load(0), op.localGet(u), op.f64x2Mul, op.f64x2Add, op.localSet(a0 + q));
    e(op.localGet(f0 + q), op.i32Const(16), op.i32Add, op.localSet(f0 + q));
  }
  e(op.localGet(uPtr), op.i32Const(16), op.i32Add, op.localSet(uPtr));
  e(op.br(0), op.end, op.end);
  for (let q = 0; q < 4; q++) {
    e(op.localGet(px), op.localGet(r), op.i32Const(q), op.i32Add, op.i32Const(8), op.i32Mul, op.i32Add);
    e(op.localGet(a0 + q), op.f64x2ExtractLane(0), op.localGet(a0 + q), op.f64x2ExtractLane(1), op.f64Add, op.f64Store(0));
  }
  e(op.localGet(r), op.i32Const(4), op.i32Add, op.localSet(r));
  e(op.br(0), op.end, op.end);
  return { name: "av", params: Array(6).fill(I32), locals: [...Array(7).fill(I32), ...Array(5).fill(V128)], body };
}

/**
 * Builds `auAtv` (see Kernels): per group of four rows, their dot products with u as f64x2 partial
 * sums (the odd last column added after), the four coefficients w, then the four rows' update of
 * `out` in the order atv adds them.
 */
function auAtvKernel() {
  const [pF, ldf, rows, pu, len, pPre, pCorr, pTau, px, pw, pout] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const r = 11, f0 = 12, o = 16, end = 17, tail = 18; // f0 … f0+3: row pointers; o, end: byte offsets along a row
  const a0 = 19, w0 = 23, u = 27, acc = 28; // v128: a0 … a0+3 partial sums, w0 … w0+3 splatted coefficients
  const s = 29, x = 30; // f64
  const body: Bytes[] = [];
  const e = (...xs: Bytes[]) => body.push(...xs);
  const at = (base: number, q: number): Bytes[] => [op.localGet(base), op.localGet(r), op.i32Const(q), op.i32Add, op.i32Const(8), op.i32Mul, op.i32Add];
  const ifOddLength = (inner: Bytes[]) => e(op.block, op.localGet(len), op.i32Const(1), op.i32And, op.i32Eqz, op.brIf(0), ...inner, op.end);
  e(op.localGet(len), op.i32Const(-2), op.i32And, op.i32Const(8), op.i32Mul, op.localSet(end)); // the even part, in bytes
  e(op.i32Const(0), op.localSet(r));
  e(op.block, op.loop);
  e(op.localGet(r), op.localGet(rows), op.i32GeS, op.brIf(1));
  e(...fourRows(pF, ldf, r, f0, a0));
  e(op.i32Const(0), op.localSet(o));
  e(op.block, op.loop); // the dot products
  e(op.localGet(o), op.localGet(end), op.i32GeS, op.brIf(1));
  e(op.localGet(pu), op.localGet(o), op.i32Add, op.v128Load(0), op.localSet(u));
  for (let q = 0; q < 4; q++) e(op.localGet(a0 + q), op.localGet(f0 + q), op.localGet(o), op.i32Add, op.v128Load(0), op.localGet(u), op.f64x2Mul, op.f64x2Add, op.localSet(a0 + q));
  e(op.localGet(o), op.i32Const(16), op.i32Add, op.localSet(o));
  e(op.br(0), op.end, op.end);
  e(op.localGet(pu), op.localGet(end), op.i32Add, op.localSet(tail)); // u's last entry, where len is odd
  for (let q = 0; q < 4; q++) {
    e(op.localGet(a0 + q), op.f64x2ExtractLane(0), op.localGet(a0 + q), op.f64x2ExtractLane(1), op.f64Add, op.localSet(s));
    ifOddLength([op.localGet(s), op.localGet(f0 + q), op.localGet(end), op.i32Add, op.f64Load(0), op.localGet(tail), op.f64Load(0), op.f64Mul, op.f64Add, op.localSet(s)]);
    // x = τ (s - corr), w = pre - x
    e(op.localGet(pTau), op.f64Load(0), op.localGet(s), ...at(pCorr, q), op.f64Load(0), op.f64Sub, op.f64Mul, op.localSet(x));
    e(...at(px, q), op.localGet(x), op.f64Store(0));
    e(...at(pPre, q), op.f64Load(0), op.localGet(x), op.f64Sub, op.localSet(s));
    e(...at(pw, q), op.localGet(s), op.f64Store(0));
    e(op.localGet(s), op.f64x2Splat, op.localSet(w0 + q));
  }
  e(op.i32Const(0), op.localSet(o));
  e(op.block, op.loop); // out += Σ_q w_q F[r + q, ·]
  e(op.localGet(o), op.localGet(end), op.i32GeS, op.brIf(1));
  e(op.localGet(pout), op.localGet(o), op.i32Add, op.v128Load(0), op.localSet(acc));
  for (let q = 0; q < 4; q++) e(op.localGet(acc), op.localGet(w0 + q), op.localGet(f0 + q), op.localGet(o), op.i32Add, op.v128Load(0), op.f64x2Mul, op.f64x2Add, op.localSet(acc));
  e(op.localGet(pout), op.localGet(o), op.i32Add, op.localGet(acc), op.v128Store(0));
  e(op.localGet(o), op.i32Const(16), op.i32Add, op.localSet(o));
  e(op.br(0), op.end, op.end);
  const tailUpdate: Bytes[] = [op.localGet(pout), op.localGet(end), op.i32Add, op.localSet(tail), op.localGet(tail), op.f64Load(0), op.localSet(s)];
  for (let q = 0; q < 4; q++) tailUpdate.push(op.localGet(s), op.localGet(w0 + q), op.f64x2ExtractLane(0), op.localGet(f0 + q), op.localGet(end), op.i32Add, op.f64Load(0), op.f64Mul, op.f64Add, op.localSet(s));
  tailUpdate.push(op.localGet(tail), op.localGet(s), op.f64Store(0));
  ifOddLength(tailUpdate);
  e(op.localGet(r), op.i32Const(4), op.i32Add, op.localSet(r));
  e(op.br(0), op.end, op.end);
  return { name: "auAtv", params: Array(11).fill(I32), locals: [...Array(8).fill(I32), ...Array(10).fill(V128), F64, F64], body };
}

/** Builds `reflect` (see Kernels): the claim loop of `panels`, and three calls to `panel` (function 0) per chunk. */
function reflectKernel() {
  const [pYt, pY, pT, pX, ldx, len, b, pW, pCtl, fromEnd] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const v = 10, lo = 11, hi = 12, jb = 13, p0 = 14, kb = 15, bp = 16, lenp = 17, z = 18, pTW = 19;
  const NS = REFLECT_COLUMNS / NR, ROW = 8 * REFLECT_COLUMNS; // strips per chunk; bytes per row of W
  const body: Bytes[] = [];
  const e = (...xs: Bytes[]) => body.push(...xs);
  e(op.localGet(b), op.i32Const(1), op.i32Add, op.i32Const(-2), op.i32And, op.localSet(bp));
  e(op.localGet(len), op.i32Const(1), op.i32Add, op.i32Const(-2), op.i32And, op.localSet(lenp));
  e(op.localGet(pW), op.i32Const(REFLECT_NB * ROW), op.i32Add, op.localSet(pTW));
  e(op.block, op.loop);
  e(...claimChunk(pCtl, fromEnd, v, lo, hi), op.i32Const(ROW), op.i32Mul, op.localSet(jb));
  // W and TW start at zero (the products add into them)
  e(op.localGet(pW), op.localSet(z));
  e(op.block, op.loop);
  e(op.localGet(z), op.localGet(pW), op.i32Const(2 * REFLECT_NB * ROW), op.i32Add, op.i32GeS, op.brIf(1));
  e(op.localGet(z), op.f64Const0(), op.f64x2Splat, op.v128Store(0));
  e(op.localGet(z), op.i32Const(16), op.i32Add, op.localSet(z));
  e(op.br(0), op.end, op.end);
  // W = Yᵀ X[:, chunk], KC_BLOCK rows of X at a time
  e(op.i32Const(0), op.localSet(p0));
  e(op.block, op.loop);
  e(op.localGet(p0), op.localGet(len), op.i32GeS, op.brIf(1));
  e(op.localGet(len), op.localGet(p0), op.i32Sub, op.localSet(kb));
  e(op.i32Const(KC_BLOCK), op.localGet(kb), op.localGet(kb), op.i32Const(KC_BLOCK), op.i32GtS, op.select, op.localSet(kb));
  e(op.localGet(pYt), op.localGet(p0), op.i32Const(8), op.i32Mul, op.i32Add); // pA
  e(op.localGet(len), op.i32Const(8), op.i32Mul); // lda
  e(op.localGet(pX), op.localGet(p0), op.localGet(ldx), op.i32Mul, op.i32Add, op.localGet(jb), op.i32Add); // pB
  e(op.localGet(pW), op.i32Const(ROW), op.localGet(bp), op.i32Const(NS), op.localGet(kb), op.localGet(ldx), op.i32Const(8 * NR), op.call(0));
  e(op.localGet(p0), op.i32Const(KC_BLOCK), op.i32Add, op.localSet(p0));
  e(op.br(0), op.end, op.end);
  // TW = (-T) W
  e(op.localGet(pT), op.i32Const(8 * REFLECT_NB), op.localGet(pW), op.localGet(pTW), op.i32Const(ROW), op.localGet(bp), op.i32Const(NS), op.localGet(b), op.i32Const(ROW), op.i32Const(8 * NR), op.call(0));
  // X[:, chunk] += Y TW
  e(op.localGet(pY), op.i32Const(8 * REFLECT_NB), op.localGet(pTW), op.localGet(pX), op.localGet(jb), op.i32Add, op.localGet(ldx), op.localGet(lenp), op.i32Const(NS), op.localGet(b), op.i32Const(ROW), op.i32Const(8 * NR), op.call(0));
  e(op.br(0), op.end, op.end);
  return { name: "reflect", params: Array(10).fill(I32), locals: Array(10).fill(I32), body };
}
