import { I32, V128, op, wasmModule, type Bytes } from "./assemble.js";

/**
 * WebAssembly SIMD kernels for the Float64 products that dominate linalg's run time. V8 turns
 * f64x2 arithmetic into packed SSE/AVX instructions, which plain JavaScript never gets: the
 * product kernel below measured ~18 GFlop/s on one core where the best JavaScript loop
 * (gemm.ts) reaches ~5.5. Where WebAssembly SIMD is missing, callers fall back to JavaScript.
 */

/** Rows × columns of the block of C that the kernel keeps in registers (8 f64x2 accumulators). */
export const MR = 2, NR = 8;

export interface Kernels {
  /**
   * C[i, j] += Σ_p A[i, p] Bpacked(p, j) for rows i < mp (a multiple of MR) and ns strips of NR
   * columns. Pointers and strides are in bytes. A is row-major from pA (lda), C from pC (ldc); the
   * packed B holds strip s at pB + s·kc·NR·8, row p of the strip at + p·NR·8 (NR contiguous values).
   */
  panel(pA: number, lda: number, pB: number, pC: number, ldc: number, mp: number, ns: number, kc: number): void;
}

let instance: Kernels | null | undefined;
let memory: WebAssembly.Memory | undefined;
let enabled = true;

/** The kernels, or null where WebAssembly SIMD is unavailable (or switched off for tests). */
export function _kernels(): Kernels | null {
  if (!enabled) return null;
  if (instance === undefined) instance = instantiate();
  return instance;
}

/** Switches the WebAssembly path off or on, so tests can check that both paths agree. */
export function _setWasmEnabled(on: boolean): void {
  enabled = on;
}

/**
 * A Float64Array view of the kernels' memory with at least `doubles` entries. Growing the
 * memory detaches earlier views, so take the view after every size request.
 */
export function _wasmHeap(doubles: number): Float64Array {
  const mem = memory!;
  const need = doubles * 8;
  if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  return new Float64Array(mem.buffer);
}

function instantiate(): Kernels | null {
  try {
    if (typeof WebAssembly !== "object") return null;
    const bytes = wasmModule([panelKernel()]);
    if (!WebAssembly.validate(bytes)) return null;
    memory = new WebAssembly.Memory({ initial: 16 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return inst.exports as unknown as Kernels;
  } catch {
    return null;
  }
}

/** Builds `panel` (see Kernels). Locals are numbered after the 8 parameters. */
function panelKernel() {
  const [pA, lda, pB, pC, ldc, mp, ns, kc] = [0, 1, 2, 3, 4, 5, 6, 7];
  const i = 8, s = 9, p = 10, b = 11, c = 12, aRow = 13, cRow = 14, a0 = 15; // a0 … a0+MR-1: row pointers into A
  const NV = NR / 2;
  const acc = (r: number, h: number) => a0 + MR + r * NV + h; // v128 accumulators
  const bv = (h: number) => a0 + MR + MR * NV + h;
  const av = a0 + MR + MR * NV + NV;
  const body: Bytes[] = [];
  const e = (...xs: Bytes[]) => body.push(...xs);
  const rowAddr = (base: number, stride: number, r: number) => (r === 0 ? [op.localGet(base)] : [op.localGet(base), op.localGet(stride), op.i32Const(r), op.i32Mul, op.i32Add]);
  e(op.i32Const(0), op.localSet(i), op.localGet(pA), op.localSet(aRow), op.localGet(pC), op.localSet(cRow));
  e(op.block, op.loop); // over row blocks
  e(op.localGet(i), op.localGet(mp), op.i32GeS, op.brIf(1));
  e(op.i32Const(0), op.localSet(s), op.localGet(pB), op.localSet(b), op.localGet(cRow), op.localSet(c));
  e(op.block, op.loop); // over strips of NR columns
  e(op.localGet(s), op.localGet(ns), op.i32GeS, op.brIf(1));
  for (let r = 0; r < MR; r++) for (let h = 0; h < NV; h++) e(...rowAddr(c, ldc, r), op.v128Load(16 * h), op.localSet(acc(r, h)));
  for (let r = 0; r < MR; r++) e(...rowAddr(aRow, lda, r), op.localSet(a0 + r));
  e(op.i32Const(0), op.localSet(p));
  e(op.block, op.loop); // over p: one rank-1 update of the MR × NR block
  e(op.localGet(p), op.localGet(kc), op.i32GeS, op.brIf(1));
  for (let h = 0; h < NV; h++) e(op.localGet(b), op.v128Load(16 * h), op.localSet(bv(h)));
  for (let r = 0; r < MR; r++) {
    e(op.localGet(a0 + r), op.v128Load64Splat(0), op.localSet(av));
    for (let h = 0; h < NV; h++) e(op.localGet(acc(r, h)), op.localGet(av), op.localGet(bv(h)), op.f64x2Mul, op.f64x2Add, op.localSet(acc(r, h)));
  }
  for (let r = 0; r < MR; r++) e(op.localGet(a0 + r), op.i32Const(8), op.i32Add, op.localSet(a0 + r));
  e(op.localGet(b), op.i32Const(8 * NR), op.i32Add, op.localSet(b));
  e(op.localGet(p), op.i32Const(1), op.i32Add, op.localSet(p));
  e(op.br(0), op.end, op.end);
  for (let r = 0; r < MR; r++) for (let h = 0; h < NV; h++) e(...rowAddr(c, ldc, r), op.localGet(acc(r, h)), op.v128Store(16 * h));
  e(op.localGet(c), op.i32Const(8 * NR), op.i32Add, op.localSet(c));
  e(op.localGet(s), op.i32Const(1), op.i32Add, op.localSet(s));
  e(op.br(0), op.end, op.end);
  e(op.localGet(aRow), op.localGet(lda), op.i32Const(MR), op.i32Mul, op.i32Add, op.localSet(aRow));
  e(op.localGet(cRow), op.localGet(ldc), op.i32Const(MR), op.i32Mul, op.i32Add, op.localSet(cRow));
  e(op.localGet(i), op.i32Const(MR), op.i32Add, op.localSet(i));
  e(op.br(0), op.end, op.end);
  const locals = [...Array(7 + MR).fill(I32), ...Array(MR * NV + NV + 1).fill(V128)];
  return { name: "panel", params: Array(8).fill(I32), locals, body };
}

