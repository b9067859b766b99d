/**
 * The dense projection's two products, P·v and Pᵀ·g with P a float32 D × d matrix stored by
 * column, as WebAssembly SIMD over P kept in a WebAssembly memory of its own. They took ~26 ms of
 * a ~40 ms training step of the FC net at d = 100 as JavaScript loops, which V8 never vectorises.
 *
 * Both give the bits of projection.ts's JavaScript (`_denseRows`, and linalg's `_rowDots` for Pᵀ·g), which stays as the
 * fallback where WebAssembly SIMD is missing: every float32 is widened to float64, every sum is
 * taken in the same order with the same separate multiply and add, and each result is rounded to
 * float32 where the JavaScript stores it.
 * - P·v: row by row, out[i] = f32(out[i] + (((v₀p₀ + v₁p₁) + v₂p₂) + v₃p₃)) for each group of
 *   four columns, then out[i] = f32(out[i] + vⱼpⱼ) for each column left over. Two rows per f64x2.
 * - Pᵀ·g: column by column, sⱼ = Σᵢ gᵢ·pᵢⱼ in float64 in the order of i, then f32(sⱼ). Each sum
 *   is a chain of dependent adds, so eight columns run side by side (two per f64x2), which
 *   keeps the adder busy instead of waiting on each add.
 *
 * Layout (bytes): P from 0, column j at 4·D·j; then v (d floats), out (D), g (D) and outT (d),
 * each from a multiple of 8.
 */
import { F64, I32, V128, forLoop, op, wasmModule, type Bytes } from "../../linalg/wasm/assemble.js";

/** The kernels on a fresh memory sized for P and the vectors, or null without WebAssembly SIMD. */
export interface DenseKernels {
  /** P (D·d floats, by column), then the vectors the products read and write. */
  P: Float32Array;
  v: Float32Array;
  out: Float32Array;
  g: Float32Array;
  outT: Float32Array;
  /** out ← P·v over the rows [i0, i1) (i1 − i0 even), from out zeroed there. */
  apply(i0: number, i1: number): void;
  /** outT[j] ← (Pᵀ·g)[j] for the columns [j0, j1). */
  applyT(j0: number, j1: number): void;
}

const align8 = (bytes: number) => Math.ceil(bytes / 8) * 8;

let compiled: WebAssembly.Module | null | undefined;

export function denseKernels(D: number, d: number): DenseKernels | null {
  if (compiled === undefined) {
    try {
      const bytes = wasmModule([applyKernel(), applyTKernel()]);
      compiled = typeof WebAssembly === "object" && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return null;
  const pv = align8(4 * D * d), pOut = align8(pv + 4 * d), pg = align8(pOut + 4 * D), pOutT = align8(pg + 4 * D);
  const end = pOutT + 4 * d;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) });
  } catch {
    return null; // no room for a memory of that size: the JavaScript loops need no copy of P
  }
  const fns = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as {
    apply(pP: number, D: number, d: number, pv: number, pOut: number, i0: number, i1: number): void;
    applyT(pP: number, D: number, pg: number, pOut: number, j0: number, j1: number): void;
  };
  const buf = memory.buffer;
  return {
    P: new Float32Array(buf, 0, D * d),
    v: new Float32Array(buf, pv, d),
    out: new Float32Array(buf, pOut, D),
    g: new Float32Array(buf, pg, D),
    outT: new Float32Array(buf, pOutT, d),
    apply: (i0, i1) => fns.apply(0, D, d, pv, pOut, i0, i1),
    applyT: (j0, j1) => fns.applyT(0, D, pg, pOutT, j0, j1),
  };
}

const get = (local: number): Bytes[] => [op.localGet(local)];
const zero: Bytes[] = [op.i32Const(0)];
/** x·y + z for i32 locals. */
const madd = (x: number, y: number, z: number): Bytes[] => [op.localGet(x), op.localGet(y), op.i32Mul, op.localGet(z), op.i32Add];

/** apply(pP, D, d, pv, pOut, i0, i1): see DenseKernels.apply. */
function applyKernel() {
  const [pP, D, d, pv, pOut, i0, i1] = [0, 1, 2, 3, 4, 5, 6];
  const [j, i, col, stride, q] = [7, 8, 9, 10, 11]; // col: byte address of column j
  const [v0, t, x] = [12, 16, 17]; // v128: v0 … v0+3 the splatted v_j, the running sum, out's pair
  const d4 = 18;
  /** The two floats at byte address (local `base` + local q) widened to an f64x2. */
  const pair = (base: number, extra: Bytes[] = []): Bytes[] => [op.localGet(base), op.localGet(q), op.i32Add, ...extra, op.v128Load64Zero(0), op.f64x2PromoteLowF32x4];
  /** For i0 ≤ i < i1 in pairs: out[i] = f32(out[i] + terms), terms built by `sum` into local t. */
  const rows = (sum: Bytes[]): Bytes[] => forLoop(i, get(i0), get(i1), 2, [
    op.localGet(i), op.i32Const(4), op.i32Mul, op.localSet(q),
    ...sum,
    ...pair(pOut), op.localGet(t), op.f64x2Add, op.localSet(x),
    op.localGet(pOut), op.localGet(q), op.i32Add, op.localGet(x), op.f32x4DemoteF64x2Zero, op.v128Store64Lane(0),
  ]);
  /** v_{j+k} splatted and widened into local v0 + k. */
  const splat = (k: number): Bytes[] => [op.localGet(pv), op.localGet(j), op.i32Const(k), op.i32Add, op.i32Const(4), op.i32Mul, op.i32Add, op.v128Load32Splat(0), op.f64x2PromoteLowF32x4, op.localSet(v0 + k)];
  const column = (k: number): Bytes[] => (k === 0 ? [] : [op.localGet(stride), op.i32Const(k), op.i32Mul, op.i32Add]);
  const body: Bytes[] = [
    op.localGet(D), op.i32Const(4), op.i32Mul, op.localSet(stride),
    op.localGet(d), op.i32Const(-4), op.i32And, op.localSet(d4),
    ...forLoop(j, zero, get(d4), 4, [
      ...[0, 1, 2, 3].flatMap(splat),
      ...madd(j, stride, pP), op.localSet(col), // col = pP + j·4D, the byte address of column j
      // t = ((v₀p₀ + v₁p₁) + v₂p₂) + v₃p₃
      ...rows([
        op.localGet(v0), ...pair(col), op.f64x2Mul, op.localSet(t),
        ...[1, 2, 3].flatMap((k) => [op.localGet(t), op.localGet(v0 + k), ...pair(col, column(k)), op.f64x2Mul, op.f64x2Add, op.localSet(t)]),
      ]),
    ]),
    ...forLoop(j, get(d4), get(d), 1, [
      ...splat(0),
      ...madd(j, stride, pP), op.localSet(col),
      ...rows([op.localGet(v0), ...pair(col), op.f64x2Mul, op.localSet(t)]),
    ]),
  ];
  return { name: "apply", params: Array(7).fill(I32), locals: [...Array(5).fill(I32), ...Array(6).fill(V128), I32], body };
}

/** applyT(pP, D, pg, pOut, j0, j1): see DenseKernels.applyT. */
function applyTKernel() {
  const [pP, D, pg, pOut, j0, j1] = [0, 1, 2, 3, 4, 5];
  const [j, i, col, stride, q] = [6, 7, 8, 9, 10];
  const [acc, g2, x] = [11, 15, 16]; // v128: acc … acc+3, g splatted, a pair of P's entries
  const [s, gi] = [17, 18]; // f64: one column's sum, gᵢ
  const q4 = (base: number, k: number): Bytes[] => [op.localGet(base), op.localGet(stride), op.i32Const(k), op.i32Mul, op.i32Add, op.localGet(q), op.i32Add];
  // Eight columns at a time; the last eight start at j1 − 8, so they may overlap the eight before
  // (those columns are summed again, to the same bits). Fewer than eight: one at a time.
  const eight: Bytes[] = [
    ...[0, 1, 2, 3].flatMap((k) => [op.f64Const0(), op.f64x2Splat, op.localSet(acc + k)]),
    ...forLoop(i, zero, get(D), 1, [
      op.localGet(i), op.i32Const(4), op.i32Mul, op.localSet(q),
      op.localGet(pg), op.localGet(q), op.i32Add, op.v128Load32Splat(0), op.f64x2PromoteLowF32x4, op.localSet(g2),
      ...[0, 1, 2, 3].flatMap((k) => [
        ...q4(col, 2 * k), op.v128Load32Zero(0), op.localSet(x),
        ...q4(col, 2 * k + 1), op.localGet(x), op.v128Load32Lane(1), op.f64x2PromoteLowF32x4, op.localSet(x),
        op.localGet(acc + k), op.localGet(g2), op.localGet(x), op.f64x2Mul, op.f64x2Add, op.localSet(acc + k),
      ]),
    ]),
    ...[0, 1, 2, 3].flatMap((k) => [
      op.localGet(pOut), op.localGet(j), op.i32Const(2 * k), op.i32Add, op.i32Const(4), op.i32Mul, op.i32Add,
      op.localGet(acc + k), op.f32x4DemoteF64x2Zero, op.v128Store64Lane(0),
    ]),
  ];
  const one: Bytes[] = [
    op.f64Const0(), op.localSet(s),
    ...forLoop(i, zero, get(D), 1, [
      op.localGet(i), op.i32Const(4), op.i32Mul, op.localSet(q),
      op.localGet(pg), op.localGet(q), op.i32Add, op.f32Load(0), op.f64PromoteF32, op.localSet(gi),
      op.localGet(s), op.localGet(gi), op.localGet(col), op.localGet(q), op.i32Add, op.f32Load(0), op.f64PromoteF32, op.f64Mul, op.f64Add, op.localSet(s),
    ]),
    op.localGet(pOut), op.localGet(j), op.i32Const(4), op.i32Mul, op.i32Add, op.localGet(s), op.f32DemoteF64, op.f32Store(0),
  ];
  const colOf = [...madd(j, stride, pP), op.localSet(col)];
  const body: Bytes[] = [
    op.localGet(D), op.i32Const(4), op.i32Mul, op.localSet(stride),
    op.block,
    op.localGet(j1), op.localGet(j0), op.i32Sub, op.i32Const(8), op.i32LtS, op.brIf(0), // fewer than eight: below
    ...forLoop(j, get(j0), get(j1), 8, [
      // j = min(j, j1 − 8)
      op.localGet(j), op.localGet(j1), op.i32Const(8), op.i32Sub, op.localGet(j), op.localGet(j1), op.i32Const(8), op.i32Sub, op.i32LtS, op.select, op.localSet(j),
      ...colOf, ...eight,
    ]),
    op.end,
    op.block,
    op.localGet(j1), op.localGet(j0), op.i32Sub, op.i32Const(8), op.i32GeS, op.brIf(0), // done above
    ...forLoop(j, get(j0), get(j1), 1, [...colOf, ...one]),
    op.end,
  ];
  return { name: "applyT", params: Array(6).fill(I32), locals: [...Array(5).fill(I32), ...Array(6).fill(V128), F64, F64], body };
}
