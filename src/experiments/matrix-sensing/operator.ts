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
import { _threads } from "../../linalg/wasm/kernels.js";
import { Team } from "../../linalg/wasm/team.js";
import { applyA, applyAt } from "./model.js";

const B = 3; // register block: rows of A × variants
const UNROLL = 2; // f64x2 steps per trip along a row

export interface SensingOperator {
  /** "wasm-simd" or "js": which kernels run. */
  kind: "wasm-simd" | "js";
  /** Threads that share each pass (1: the calling thread alone). */
  threads: number;
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
  /** Stops the operator's worker threads; it must not be used afterwards. */
  dispose(): void;
  /** Worker threads booted and taking shares so far (for tests: until then the caller does it all). */
  workersReady(): number;
}

/**
 * Below this many multiply-adds a pass runs on the calling thread alone (the `quick` preset's
 * 9 × 201 × 256 passes, ~50 µs each, gain less than a worker's wake-up costs).
 */
const MIN_SPLIT = 1 << 20;

/**
 * A (m rows of n² numbers, as from gaussianOperator) made resident for V variants. With more
 * than one thread (linalg's count: LOWRANK_THREADS, else every core) the memory is shared and
 * each pass is split over a team of workers: A(X) by blocks of rows of A, Aᵀ(R) by blocks of its
 * columns. Every entry of R and S is then computed by the same instructions in the same order as
 * on one thread, so results are bit-identical for any thread count.
 */
export function sensingOperator(A: Float64Array, m: number, n2: number, V: number, useWasm = true): SensingOperator {
  const ld = Math.ceil(n2 / (2 * UNROLL)) * 2 * UNROLL, mp = Math.ceil(m / B) * B, Vp = Math.ceil(V / B) * B;
  const sizes = [mp * ld, Vp * ld, Vp * mp, Vp * ld]; // A, X, R, S in doubles
  const threads = useWasm && mp * Vp * ld >= MIN_SPLIT ? _threads() : 1;
  const K = useWasm ? kernels(threads > 1) : null;
  let heap: Float64Array;
  let base = 2; // doubles 0-1: sixteen zero bytes the kernels splat for 0.0
  let team: Team | null = null;
  if (K) {
    const bytes = 8 * (base + sizes.reduce((s, x) => s + x, 0));
    const pages = Math.ceil(bytes / 65536);
    const memory = new WebAssembly.Memory(K.shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
    heap = new Float64Array(memory.buffer);
    K.bind(memory);
    if (K.shared) team = new Team(K.module, memory, ["forward", "adjointChunked"], threads - 1);
  } else {
    heap = new Float64Array(sizes.reduce((s, x) => s + x, 0));
    base = 0;
  }
  const [offA, offX, offR, offS] = [0, 1, 2, 3].map((k) => base + sizes.slice(0, k).reduce((s, x) => s + x, 0));
  for (let i = 0; i < m; i++) heap.set(A.subarray(i * n2, (i + 1) * n2), offA + i * ld);
  const view = (off: number, len: number) => heap.subarray(off, off + len);
  const [Ares, X, R, S] = [view(offA, sizes[0]), view(offX, sizes[1]), view(offR, sizes[2]), view(offS, sizes[3])];
  if (K) {
    const [pA, pX, pR, pS] = [offA, offX, offR, offS].map((o) => 8 * o);
    // A share [u0, u1): rows of A in blocks of B for the forward pass, columns in groups of
    // 2·UNROLL for the adjoint. On its own a thread takes the adjoint's rows whole; sharing, in
    // chunks (see CHUNK).
    const forwardShare = (u0: number, u1: number) => [pA + 8 * u0 * B * ld, pX, pR + 8 * u0 * B, (u1 - u0) * B, Vp, ld, ld, mp];
    const adjointShare = (u0: number, u1: number) => [pA + 8 * u0 * 2 * UNROLL, pS + 8 * u0 * 2 * UNROLL, pR, mp, Vp, (u1 - u0) * 2 * UNROLL, ld, mp];
    const forward = (a: number[]) => K.forward(...(a as KernelArgs));
    const adjoint = (a: number[], parts: number) => (parts > 1 ? K.adjointChunked : K.adjoint)(...(a as KernelArgs));
    const pass = (fn: 0 | 1, units: number, share: (u0: number, u1: number) => number[], own: (a: number[], parts: number) => void) =>
      team ? team.split(fn, units, share, own) : own(share(0, units), 1);
    return {
      kind: "wasm-simd", threads, ld, mp, Vp, X, R, S,
      forward: () => pass(0, mp / B, forwardShare, forward),
      adjoint: () => {
        S.fill(0);
        pass(1, ld / (2 * UNROLL), adjointShare, adjoint);
      },
      dispose: () => team?.terminate(),
      workersReady: () => team?.idle().length ?? 0,
    };
  }
  return {
    kind: "js", threads: 1, ld, mp, Vp, X, R, S,
    forward: () => applyA(Ares, mp, ld, X, Vp, R),
    adjoint: () => applyAt(Ares, mp, ld, R, Vp, S),
    dispose: () => undefined,
    workersReady: () => 0,
  };
}

type KernelArgs = [pA: number, pY: number, pR: number, rows: number, Vp: number, len: number, ld: number, mps: number];

interface Kernels {
  /** Whether the module imports a shared memory (for a team of workers). */
  shared: boolean;
  module: WebAssembly.Module;
  bind(memory: WebAssembly.Memory): void;
  /** R ← A(Y) on a block of rows of A. */
  forward(...a: KernelArgs): void;
  /** Y += Aᵀ(R) on a block of columns. */
  adjoint(...a: KernelArgs): void;
  /** The same, CHUNK columns at a time (for the threads). */
  adjointChunked(...a: KernelArgs): void;
}

const compiled = new Map<boolean, WebAssembly.Module | null>();

/**
 * A fresh instance per operator, over the memory given to bind(); null where WebAssembly SIMD is
 * missing. `shared` asks for a module on a shared memory; where that is missing too, the
 * unshared one (one thread).
 */
function kernels(shared: boolean): Kernels | null {
  if (!compiled.has(shared)) {
    let module: WebAssembly.Module | null = null;
    try {
      const bytes = wasmModule([forwardKernel(), adjointKernel(), chunkedAdjoint()], shared ? { initial: 1, maximum: 65536, shared: true } : undefined);
      if (typeof WebAssembly === "object" && WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    } catch {
      module = null;
    }
    compiled.set(shared, module);
  }
  const module = compiled.get(shared);
  if (!module) return shared ? kernels(false) : null;
  let exports: Pick<Kernels, "forward" | "adjoint" | "adjointChunked"> | undefined;
  return {
    shared,
    module,
    bind(memory) {
      exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Pick<Kernels, "forward" | "adjoint" | "adjointChunked">;
    },
    forward: (...a) => exports!.forward(...a),
    adjoint: (...a) => exports!.adjoint(...a),
    adjointChunked: (...a) => exports!.adjointChunked(...a),
  };
}

// Both kernels take (pA, pY, pR, rows, Vp, len, ld, mps): byte pointers to A's first row, to
// the variant rows Y (X for forward, S for adjoint) and to R's entry for A's first row; then, in
// doubles, how many rows of A (a multiple of 3), variants Vp (a multiple of 3) and entries per
// row (a multiple of 4) to take, the row stride ld of A and Y, and the row stride mps of R. A
// thread's share is a block of rows (forward) or of columns (adjoint) of the whole operator.
const [P_A, P_Y, P_R, ROWS, VP, LEN, LD, MPS] = [0, 1, 2, 3, 4, 5, 6, 7];
const PARAMS = 8;
// i32 locals after the parameters; then the v128 locals.
const [I, V, A_ROW, Y_ROW, RB, LDB, MPB, A0, A1, A2, Y0, Y1, Y2, END] = Array.from({ length: 14 }, (_, k) => PARAMS + k);
const I32_LOCALS = 14;
const vloc = (k: number) => PARAMS + I32_LOCALS + k;

const add = (local: number, by: Bytes[]): Bytes[] => [op.localGet(local), ...by, op.i32Add, op.localSet(local)];
const rowsOf = (from: number, r: number): Bytes[] => [op.localGet(from), op.localGet(LDB), op.i32Const(r), op.i32Mul, op.i32Add];
/** Byte address of R[(v + c)·mp + i] (add 8r as the instruction's offset for row i + r). */
const rAddr = (c: number): Bytes[] => [op.localGet(P_R), op.localGet(RB), op.i32Add, op.localGet(MPB), op.i32Const(c), op.i32Mul, op.i32Add];

/** The shared frame: for i over blocks of 3 rows of A, for v over blocks of 3 variants, `inner`. */
function frame(inner: Bytes[]): Bytes[] {
  return [
    op.localGet(LD), op.i32Const(8), op.i32Mul, op.localSet(LDB),
    op.localGet(MPS), op.i32Const(8), op.i32Mul, op.localSet(MPB),
    op.i32Const(0), op.localSet(I), op.localGet(P_A), op.localSet(A_ROW),
    op.block, op.loop,
    op.localGet(I), op.localGet(ROWS), op.i32GeS, op.brIf(1),
    op.i32Const(0), op.localSet(V), op.localGet(P_Y), op.localSet(Y_ROW),
    op.block, op.loop,
    op.localGet(V), op.localGet(VP), op.i32GeS, op.brIf(1),
    op.localGet(V), op.localGet(MPB), op.i32Mul, op.localGet(I), op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(RB),
    // Row pointers into the A block and the Y block; END is `len` entries past A0.
    ...[0, 1, 2].flatMap((r) => [...rowsOf(A_ROW, r), op.localSet(A0 + r), ...rowsOf(Y_ROW, r), op.localSet(Y0 + r)]),
    op.localGet(A0), op.localGet(LEN), op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(END),
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
  return { name: "forward", params: Array(PARAMS).fill(I32), locals: [...Array(I32_LOCALS).fill(I32), ...Array(15).fill(V128)], body: frame(inner) };
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
  return { name: "adjoint", params: Array(PARAMS).fill(I32), locals: [...Array(I32_LOCALS).fill(I32), ...Array(13).fill(V128)], body: frame(inner) };
}

/**
 * Columns of S per call of `adjoint` in `adjointChunked`, which the threads run. Measured here
 * (m = 1000, n² = 2500, 9 variants): on two threads each adjoint pass took 2.7 ms with one call
 * per share and 1.6 ms in chunks of 256–1024 columns, which keep a thread's block of S (9 × 512
 * doubles, 36 KiB) near its core through all m rows; one thread is fastest with a whole row per
 * call (2.8 ms, against 3.0–3.5 in chunks), so it calls `adjoint` directly.
 */
const CHUNK = 512;

/**
 * adjoint on columns [c, c + CHUNK) for c = 0, CHUNK, … < len, the same arguments otherwise. Each
 * entry of S still sums its rows in the same order, so the result is the same as one call.
 */
function chunkedAdjoint() {
  const [C, N] = [PARAMS, PARAMS + 1];
  const ADJOINT = 1; // its index in the module (forward, adjoint, adjointChunked)
  const plusC = (p: number): Bytes[] => [op.localGet(p), op.localGet(C), op.i32Const(8), op.i32Mul, op.i32Add];
  const body: Bytes[] = [
    op.i32Const(0), op.localSet(C),
    op.block, op.loop,
    op.localGet(C), op.localGet(LEN), op.i32GeS, op.brIf(1),
    // N = min(CHUNK, len − c)
    op.i32Const(CHUNK), op.localGet(LEN), op.localGet(C), op.i32Sub,
    op.i32Const(CHUNK), op.localGet(LEN), op.localGet(C), op.i32Sub, op.i32LtS, op.select, op.localSet(N),
    ...plusC(P_A), ...plusC(P_Y), op.localGet(P_R), op.localGet(ROWS), op.localGet(VP), op.localGet(N), op.localGet(LD), op.localGet(MPS),
    op.call(ADJOINT),
    op.localGet(C), op.i32Const(CHUNK), op.i32Add, op.localSet(C),
    op.br(0), op.end, op.end,
  ];
  return { name: "adjointChunked", params: Array(PARAMS).fill(I32), locals: [I32, I32], body };
}
