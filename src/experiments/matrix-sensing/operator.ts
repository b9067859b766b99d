/**
 * The sensing operator A and its adjoint, applied to V variants at once, with A resident in
 * WebAssembly memory. Every GD step costs one pass over the m×n² array for A(X) and one for
 * Aᵀ(R); nothing else comes close, so this is where the run's time goes.
 *
 * Why WebAssembly: V8 never vectorises JavaScript loops, but compiles wasm f64x2 arithmetic to
 * packed SSE/AVX; the same 3×3 register blocking ran ~2–3× faster here than model.ts's
 * JavaScript loops. Why resident: linalg's general matmul copies and packs its operands on every
 * call, which for a 20 MB A costs more than the product. X, R and S live in the same memory and
 * are exposed as Float64Array views, so a step copies nothing. Where WebAssembly SIMD is missing
 * the same padded layout runs through model.ts's JavaScript kernels.
 *
 * Layout (all row-major, zero-padded so the kernels need no remainder code): A is mp×ld, X and
 * S are Vp×ld, R is Vp×mp, with ld = n² rounded up to a multiple of 4 (two f64x2 per step along a
 * row), and mp, Vp = m, V rounded up to multiples of 3 (the register block). Padding stays zero.
 */
import { I32, V128, op, wasmModule, type Bytes } from "../../linalg/wasm/assemble.js";
import { applyA, applyAt } from "./model.js";

const B = 3; // register block: rows of A × variants
const UNROLL = 2; // f64x2 steps per trip along a row

export interface SensingOperator {
  /** "wasm-simd" or "js": which kernels run. */
  kind: "wasm-simd" | "js";
  /** Row stride of X and S (n² rounded up to a multiple of 4), and the padded m and V. */
  ld: number;
  mp: number;
  Vp: number;
  /** Views: variant v's X_v at X[v·ld ..], its residual at R[v·mp ..], its Aᵀ(R_v) at S[v·ld ..]. */
  X: Float64Array;
  R: Float64Array;
  S: Float64Array;
  /** R ← A(X) for all variants. */
  forward(): void;
  /** S ← Aᵀ(R) for all variants. */
  adjoint(): void;
}

/** A (m rows of n² numbers, as from gaussianOperator) made resident for V variants. */
export function sensingOperator(A: Float64Array, m: number, n2: number, V: number, useWasm = true): SensingOperator {
  const ld = Math.ceil(n2 / (2 * UNROLL)) * 2 * UNROLL, mp = Math.ceil(m / B) * B, Vp = Math.ceil(V / B) * B;
  const sizes = [mp * ld, Vp * ld, Vp * mp, Vp * ld]; // A, X, R, S in doubles
  const K = useWasm ? kernels() : null;
  let heap: Float64Array;
  let base = 2; // doubles 0-1: sixteen zero bytes the kernels splat for 0.0
  if (K) {
    const bytes = 8 * (base + sizes.reduce((s, x) => s + x, 0));
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    heap = new Float64Array(memory.buffer);
    K.bind(memory);
  } else {
    heap = new Float64Array(sizes.reduce((s, x) => s + x, 0));
    base = 0;
  }
  const [offA, offX, offR, offS] = [0, 1, 2, 3].map((k) => base + sizes.slice(0, k).reduce((s, x) => s + x, 0));
  for (let i = 0; i < m; i++) heap.set(A.subarray(i * n2, (i + 1) * n2), offA + i * ld);
  const view = (off: number, len: number) => heap.subarray(off, off + len);
  const [Ares, X, R, S] = [view(offA, sizes[0]), view(offX, sizes[1]), view(offR, sizes[2]), view(offS, sizes[3])];
  if (K) {
    return {
      kind: "wasm-simd", ld, mp, Vp, X, R, S,
      forward: () => K.forward(8 * offA, 8 * offX, 8 * offR, mp, Vp, ld),
      adjoint: () => {
        S.fill(0);
        K.adjoint(8 * offA, 8 * offS, 8 * offR, mp, Vp, ld);
      },
    };
  }
  return {
    kind: "js", ld, mp, Vp, X, R, S,
    forward: () => applyA(Ares, mp, ld, X, Vp, R),
    adjoint: () => applyAt(Ares, mp, ld, R, Vp, S),
  };
}

interface Kernels {
  bind(memory: WebAssembly.Memory): void;
  /** R ← A(Y). */
  forward(pA: number, pY: number, pR: number, mp: number, Vp: number, ld: number): void;
  /** Y += Aᵀ(R). */
  adjoint(pA: number, pY: number, pR: number, mp: number, Vp: number, ld: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** A fresh instance over the given memory per operator; null where WebAssembly SIMD is missing. */
function kernels(): Kernels | null {
  if (compiled === undefined) {
    try {
      const bytes = wasmModule([forwardKernel(), adjointKernel()]);
      compiled = typeof WebAssembly === "object" && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  const module = compiled;
  let exports: Omit<Kernels, "bind"> | undefined;
  return {
    bind(memory) {
      exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Omit<Kernels, "bind">;
    },
    forward: (...a) => exports!.forward(...a),
    adjoint: (...a) => exports!.adjoint(...a),
  };
}

// Both kernels take (pA, pY, pR, mp, Vp, ld): byte pointers to A (mp×ld), to the ld-strided
// variant rows Y (X for forward, S for adjoint) and to R (Vp×mp), then sizes in doubles.
const [P_A, P_Y, P_R, MP, VP, LD] = [0, 1, 2, 3, 4, 5];
// i32 locals after the parameters; then the v128 locals.
const [I, V, A_ROW, Y_ROW, RB, LDB, MPB, A0, A1, A2, Y0, Y1, Y2, END] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
const I32_LOCALS = 14;
const vloc = (k: number) => 6 + I32_LOCALS + k;

const add = (local: number, by: Bytes[]): Bytes[] => [op.localGet(local), ...by, op.i32Add, op.localSet(local)];
const rowsOf = (from: number, r: number): Bytes[] => [op.localGet(from), op.localGet(LDB), op.i32Const(r), op.i32Mul, op.i32Add];
/** Byte address of R[(v + c)·mp + i] (add 8r as the instruction's offset for row i + r). */
const rAddr = (c: number): Bytes[] => [op.localGet(P_R), op.localGet(RB), op.i32Add, op.localGet(MPB), op.i32Const(c), op.i32Mul, op.i32Add];

/** The shared frame: for i over blocks of 3 rows of A, for v over blocks of 3 variants, `inner`. */
function frame(inner: Bytes[]): Bytes[] {
  return [
    op.localGet(LD), op.i32Const(8), op.i32Mul, op.localSet(LDB),
    op.localGet(MP), op.i32Const(8), op.i32Mul, op.localSet(MPB),
    op.i32Const(0), op.localSet(I), op.localGet(P_A), op.localSet(A_ROW),
    op.block, op.loop,
    op.localGet(I), op.localGet(MP), op.i32GeS, op.brIf(1),
    op.i32Const(0), op.localSet(V), op.localGet(P_Y), op.localSet(Y_ROW),
    op.block, op.loop,
    op.localGet(V), op.localGet(VP), op.i32GeS, op.brIf(1),
    op.localGet(V), op.localGet(MPB), op.i32Mul, op.localGet(I), op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(RB),
    // Row pointers into the A block and the Y block; END is one row past A0.
    ...[0, 1, 2].flatMap((r) => [...rowsOf(A_ROW, r), op.localSet(A0 + r), ...rowsOf(Y_ROW, r), op.localSet(Y0 + r)]),
    op.localGet(A0), op.localGet(LDB), op.i32Add, op.localSet(END),
    ...inner,
    op.localGet(V), op.i32Const(B), op.i32Add, op.localSet(V),
    ...add(Y_ROW, [op.localGet(LDB), op.i32Const(B), op.i32Mul]),
    op.br(0), op.end, op.end,
    op.localGet(I), op.i32Const(B), op.i32Add, op.localSet(I),
    ...add(A_ROW, [op.localGet(LDB), op.i32Const(B), op.i32Mul]),
    op.br(0), op.end, op.end,
  ];
}

/**
 * The loop along a row, UNROLL·2 doubles per step: `body(off)` handles the two doubles at byte
 * offset `off` from A0..A2 and Y0..Y2. Unrolling halves the pointer updates and branches.
 */
function alongRow(body: (off: number) => Bytes[]): Bytes[] {
  const parts: Bytes[] = [];
  for (let u = 0; u < UNROLL; u++) parts.push(...body(16 * u));
  return [
    op.block, op.loop, op.localGet(A0), op.localGet(END), op.i32GeS, op.brIf(1),
    ...parts,
    ...[A0, A1, A2, Y0, Y1, Y2].flatMap((p) => add(p, [op.i32Const(16 * UNROLL)])),
    op.br(0), op.end, op.end,
  ];
}

/** R[(v+c)·mp + i + r] = ⟨A_{i+r}, X_{v+c}⟩ for a 3×3 block: nine f64x2 running sums. */
function forwardKernel() {
  const acc = (r: number, c: number) => vloc(r * B + c);
  const a = (r: number) => vloc(9 + r), x = (c: number) => vloc(12 + c);
  const zero = [op.i32Const(0), op.v128Load64Splat(0)]; // address 0 holds 0.0
  const body = (off: number) => {
    const out: Bytes[] = [];
    for (let r = 0; r < B; r++) out.push(op.localGet(A0 + r), op.v128Load(off), op.localSet(a(r)));
    for (let c = 0; c < B; c++) out.push(op.localGet(Y0 + c), op.v128Load(off), op.localSet(x(c)));
    for (let r = 0; r < B; r++) {
      for (let c = 0; c < B; c++) out.push(op.localGet(acc(r, c)), op.localGet(a(r)), op.localGet(x(c)), op.f64x2Mul, op.f64x2Add, op.localSet(acc(r, c)));
    }
    return out;
  };
  const inner: Bytes[] = [];
  for (let k = 0; k < B * B; k++) inner.push(...zero, op.localSet(vloc(k)));
  inner.push(...alongRow(body));
  for (let r = 0; r < B; r++) {
    for (let c = 0; c < B; c++) {
      inner.push(...rAddr(c), op.localGet(acc(r, c)), op.f64x2ExtractLane(0), op.localGet(acc(r, c)), op.f64x2ExtractLane(1), op.f64Add, op.f64Store(8 * r));
    }
  }
  return { name: "forward", params: Array(6).fill(I32), locals: [...Array(I32_LOCALS).fill(I32), ...Array(15).fill(V128)], body: frame(inner) };
}

/** S_{v+c} += Σ_r R[(v+c)·mp + i + r] A_{i+r} for a 3×3 block: nine splatted coefficients. */
function adjointKernel() {
  const coef = (r: number, c: number) => vloc(r * B + c);
  const a = (r: number) => vloc(9 + r), t = vloc(12);
  const body = (off: number) => {
    const out: Bytes[] = [];
    for (let r = 0; r < B; r++) out.push(op.localGet(A0 + r), op.v128Load(off), op.localSet(a(r)));
    for (let c = 0; c < B; c++) {
      out.push(op.localGet(coef(0, c)), op.localGet(a(0)), op.f64x2Mul);
      for (let r = 1; r < B; r++) out.push(op.localGet(coef(r, c)), op.localGet(a(r)), op.f64x2Mul, op.f64x2Add);
      out.push(op.localSet(t), op.localGet(Y0 + c), op.localGet(Y0 + c), op.v128Load(off), op.localGet(t), op.f64x2Add, op.v128Store(off));
    }
    return out;
  };
  const inner: Bytes[] = [];
  for (let r = 0; r < B; r++) for (let c = 0; c < B; c++) inner.push(...rAddr(c), op.v128Load64Splat(8 * r), op.localSet(coef(r, c)));
  inner.push(...alongRow(body));
  return { name: "adjoint", params: Array(6).fill(I32), locals: [...Array(I32_LOCALS).fill(I32), ...Array(13).fill(V128)], body: frame(inner) };
}
