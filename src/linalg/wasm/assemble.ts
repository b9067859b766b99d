/**
 * A minimal WebAssembly binary writer: just enough to build linalg's SIMD kernels (kernels.ts)
 * when the module loads, so the project needs no compiler toolchain and ships no binary blob.
 * Format: the WebAssembly Core Specification 2.0, §5 "Binary Format", plus the fixed-width SIMD
 * opcodes (prefix 0xFD) and two atomic ones of the threads proposal (prefix 0xFE).
 */

export type Bytes = number[];

/** Value types (§5.3.1). */
export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(v: number): Bytes {
  const out: Bytes = [];
  let x = v >>> 0;
  do {
    let b = x & 0x7f;
    x >>>= 7;
    if (x !== 0) b |= 0x80;
    out.push(b);
  } while (x !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
function sleb(v: number): Bytes {
  const out: Bytes = [];
  let x = v | 0;
  for (;;) {
    const b = x & 0x7f;
    x >>= 7;
    if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const simd = (code: number): Bytes => [0xfd, ...uleb(code)];
const atomic = (code: number): Bytes => [0xfe, ...uleb(code)];

/** The instructions the kernels use; memory offsets are in bytes, alignment hints natural. */
export const op = {
  localGet: (i: number): Bytes => [0x20, ...uleb(i)],
  localSet: (i: number): Bytes => [0x21, ...uleb(i)],
  localTee: (i: number): Bytes => [0x22, ...uleb(i)],
  i32Const: (v: number): Bytes => [0x41, ...sleb(v)],
  i32Add: [0x6a] as Bytes,
  i32Sub: [0x6b] as Bytes,
  i32Mul: [0x6c] as Bytes,
  i32And: [0x71] as Bytes,
  i32LtS: [0x48] as Bytes,
  i32GtS: [0x4a] as Bytes,
  i32Ne: [0x47] as Bytes,
  i32ShrU: [0x76] as Bytes,
  select: [0x1b] as Bytes,
  call: (func: number): Bytes => [0x10, ...uleb(func)],
  i32GeS: [0x4e] as Bytes,
  i32Eqz: [0x45] as Bytes,
  block: [0x02, 0x40] as Bytes,
  loop: [0x03, 0x40] as Bytes,
  end: [0x0b] as Bytes,
  br: (depth: number): Bytes => [0x0c, ...uleb(depth)],
  brIf: (depth: number): Bytes => [0x0d, ...uleb(depth)],
  i32Load: (offset = 0): Bytes => [0x28, 2, ...uleb(offset)],
  f64Load: (offset = 0): Bytes => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset = 0): Bytes => [0x39, 3, ...uleb(offset)],
  f64Const0: (): Bytes => [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  f64Add: [0xa0] as Bytes,
  f64Sub: [0xa1] as Bytes,
  f64Mul: [0xa2] as Bytes,
  f64Div: [0xa3] as Bytes,
  v128Load: (offset = 0): Bytes => [...simd(0x00), 4, ...uleb(offset)],
  v128Store: (offset = 0): Bytes => [...simd(0x0b), 4, ...uleb(offset)],
  v128Load64Splat: (offset = 0): Bytes => [...simd(0x0a), 3, ...uleb(offset)],
  f64x2Splat: simd(0x14),
  f64x2ExtractLane: (lane: number): Bytes => [...simd(0x21), lane],
  f32Load: (offset = 0): Bytes => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset = 0): Bytes => [0x38, 2, ...uleb(offset)],
  f64PromoteF32: [0xbb] as Bytes,
  f32DemoteF64: [0xb6] as Bytes,
  /** Four bytes into lane 0 of a zero vector, or into lane `lane` of the vector below. */
  v128Load32Zero: (offset = 0): Bytes => [...simd(0x5c), 2, ...uleb(offset)],
  v128Load32Lane: (lane: number, offset = 0): Bytes => [...simd(0x56), 2, ...uleb(offset), lane],
  v128Load32Splat: (offset = 0): Bytes => [...simd(0x09), 2, ...uleb(offset)],
  v128Load64Zero: (offset = 0): Bytes => [...simd(0x5d), 3, ...uleb(offset)],
  v128Store64Lane: (lane: number, offset = 0): Bytes => [...simd(0x5b), 3, ...uleb(offset), lane],
  /** f32 lanes 0 and 1 to f64, and f64 lanes back to f32 lanes 0 and 1 (lanes 2 and 3 zero). */
  f64x2PromoteLowF32x4: simd(0x5f),
  f32x4DemoteF64x2Zero: simd(0x5e),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  /** Threads proposal: sequentially consistent 32-bit load and compare-exchange (4-byte aligned). */
  i32AtomicLoad: (offset = 0): Bytes => [...atomic(0x10), 2, ...uleb(offset)],
  i32AtomicCmpxchg: (offset = 0): Bytes => [...atomic(0x48), 2, ...uleb(offset)],
};

/**
 * `for (idx = from; idx < to; idx += step) body` (signed compare), with `from` and `to` as code
 * that pushes an i32.
 */
export function forLoop(idx: number, from: Bytes[], to: Bytes[], step: number, body: Bytes[]): Bytes[] {
  return [
    ...from, op.localSet(idx),
    op.block, op.loop,
    op.localGet(idx), ...to, op.i32GeS, op.brIf(1),
    ...body,
    op.localGet(idx), op.i32Const(step), op.i32Add, op.localSet(idx),
    op.br(0), op.end, op.end,
  ];
}

export interface WasmFunction {
  name: string;
  params: number[];
  /** Types of the locals after the parameters, in index order. */
  locals: number[];
  body: Bytes[];
}

/**
 * The imported memory's limits (§5.3.7): pages of 64 KiB. A shared memory (threads proposal, flag
 * 0x03) must declare a maximum, since it can never move once other threads use it.
 */
export interface MemoryLimits {
  initial: number;
  maximum: number;
  shared: boolean;
}

/**
 * A module importing its memory as env.memory and exporting each function by name. Without
 * limits the import asks for one unshared page and no maximum.
 */
export function wasmModule(funcs: WasmFunction[], memory?: MemoryLimits): Uint8Array<ArrayBuffer> {
  const vec = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
  const section = (id: number, content: Bytes): Bytes => [id, ...uleb(content.length), ...content];
  const name = (s: string): Bytes => vec([...s].map((c) => [c.charCodeAt(0)]));
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0]);
  const codes = funcs.map((f) => {
    const groups: Bytes[] = [];
    for (let i = 0; i < f.locals.length; ) {
      let j = i;
      while (j < f.locals.length && f.locals[j] === f.locals[i]) j++;
      groups.push([...uleb(j - i), f.locals[i]]);
      i = j;
    }
    const body = [...vec(groups), ...f.body.flat(), ...op.end];
    return [...uleb(body.length), ...body];
  });
  const limits = memory === undefined ? [0x00, 0x01] : [memory.shared ? 0x03 : 0x01, ...uleb(memory.initial), ...uleb(memory.maximum)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]])),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(codes)),
  ]);
}
