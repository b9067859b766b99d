/**
 * The inner loop of RALA's LePE (`depthwiseConv` in attention.ts) as WebAssembly SIMD. For one
 * grid row and one tap of the kernel, the tokens in range form one contiguous run of the output
 * and one of V, and every token's channels get the same tap row: out[x, c] += tap[c] · V[x, c].
 * JavaScript did that at ~1 multiply-add per nanosecond, 2 of RALA's 7 ms at N = 1024; here it
 * goes two channels per f64x2 instruction.
 *
 * Each entry gets the same multiply, then the same add, in the same tap order as the JavaScript
 * loop, so the results are bit-identical to it. The module has a memory of its own (V, the
 * kernel and the output are copied in and out: ~0.1 ms at N = 1024, dv = 64).
 */
import { I32, forLoop, op, wasmModule, type Bytes } from "../../linalg/wasm/assemble.js";

/** What `withConvKernel` hands its callback: one call per run of tokens, offsets in doubles into the output, V and the kernel. */
export interface ConvKernel {
  /** out[dst + x·dv + c] += kernel[tap + c] · v[src + x·dv + c] for x < count, c < dv. */
  taps(dst: number, src: number, tap: number, count: number): void;
}

interface Exports {
  taps(pO: number, pV: number, pK: number, count: number, dv: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** taps(pO, pV, pK, count, dv), byte addresses, dv even. */
function tapsFunction() {
  const [pO, pV, pK, count, dv] = [0, 1, 2, 3, 4];
  const [x, c, step] = [5, 6, 7];
  const addr = (p: number): Bytes[] => [op.localGet(p), op.localGet(c), op.i32Const(8), op.i32Mul, op.i32Add];
  const body: Bytes[] = [
    op.localGet(dv), op.i32Const(8), op.i32Mul, op.localSet(step),
    ...forLoop(x, [op.i32Const(0)], [op.localGet(count)], 1, [
      ...forLoop(c, [op.i32Const(0)], [op.localGet(dv)], 2, [
        ...addr(pO),
        ...addr(pO), op.v128Load(0),
        ...addr(pK), op.v128Load(0), ...addr(pV), op.v128Load(0), op.f64x2Mul,
        op.f64x2Add, op.v128Store(0),
      ]),
      op.localGet(pO), op.localGet(step), op.i32Add, op.localSet(pO),
      op.localGet(pV), op.localGet(step), op.i32Add, op.localSet(pV),
    ]),
  ];
  return { name: "taps", params: [I32, I32, I32, I32, I32], locals: [I32, I32, I32], body };
}

function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = wasmModule([tapsFunction()]);
      compiled = typeof WebAssembly === "object" && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

let memory: WebAssembly.Memory | undefined;
let exports: Exports | undefined;

/**
 * Runs `convolve` with the kernel's taps on V (N × dv) and `kernel` (taps × dv) copied into
 * WebAssembly memory, then returns the output (N × dv, starting at zero) it accumulated; null
 * where WebAssembly SIMD is missing or dv is odd (the caller's JavaScript loop then runs).
 */
export function withConvKernel(v: Float64Array, kernel: Float64Array, dv: number, convolve: (k: ConvKernel) => void): Float64Array | null {
  const m = dv % 2 === 0 ? module() : null;
  if (!m) return null;
  const offV = 0, offK = v.length, offO = offK + kernel.length + (kernel.length % 2); // doubles, 16-byte aligned
  const bytes = 8 * (offO + v.length);
  if (!memory || memory.buffer.byteLength < bytes) {
    memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    exports = new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as Exports;
  }
  const H = new Float64Array(memory.buffer, 0, offO + v.length);
  H.set(v, offV);
  H.set(kernel, offK);
  H.fill(0, offO);
  const e = exports!;
  convolve({ taps: (dst, src, tap, count) => e.taps(8 * (offO + dst), 8 * (offV + src), 8 * (offK + tap), count, dv) });
  return H.slice(offO, offO + v.length);
}
