/**
 * The sensing operator A and its adjoint, applied to V variants at once, with A resident in
 * WebAssembly memory. Every GD step needs A(X_v) and then Aᵀ(R_v) for each variant; nothing else
 * comes close in cost, so this is where the run's time goes. `gradient` does both in ONE pass
 * over the m×n² array: each block of three rows of A gives its three residuals and, while still
 * in cache, their share of Aᵀ(R). On one thread that pass measured 5.0 ms at the paper size
 * against 5.9 ms for the two separate passes it replaced; on two, 2.9 against 3.2.
 *
 * Why WebAssembly: V8 never vectorises JavaScript loops, but compiles wasm f64x2 arithmetic to
 * packed SSE/AVX; the same 3×3 register blocking ran ~2–3× faster here than model.ts's
 * JavaScript loops. Why resident: linalg's general matmul copies and packs its operands on every
 * call, which for a 20 MB A costs more than the product. X, R, S, y and the factors live in the
 * same memory and are exposed as Float64Array views, so a step copies nothing. Where WebAssembly
 * SIMD is missing the same padded layout runs through model.ts's JavaScript kernels.
 *
 * Layout (all row-major, zero-padded so the kernels need no remainder code): A is mp×ld, X and
 * each partial of S are Vp×ld, R is Vp×mp, with ld = n² rounded up to a multiple of 4 (two f64x2
 * per step along a row), mp = m rounded up to a multiple of 3·GROUPS and Vp = V to a multiple of
 * 3 (the register block). Padding stays zero.
 */
import { F64, I32, V128, forLoop, op, wasmModule, type Bytes } from "../../linalg/wasm/assemble.js";
import { _threads } from "../../linalg/wasm/kernels.js";
import { Team } from "../../linalg/wasm/team.js";
import { ADVANCE_ROW, advanceKernel, gdStepKernel, productKernel } from "./factorKernels.js";
import { applyA, applyAt, gdStep, product, type Factors } from "./model.js";

const B = 3; // register block: rows of A × variants
const UNROLL = 2; // f64x2 steps per trip along a row

/**
 * The rows of A are taken in this many groups, each summing its share of Aᵀ(R) into a partial of
 * its own; the partials are then added in a fixed order. The groups do not depend on the thread
 * count (threads take whole groups), so neither do the results: the same bits on one core or
 * four, on any machine. Four groups keep two or four threads evenly busy.
 */
const GROUPS = 4;

/**
 * How long the operator's threads poll for the next pass before sleeping (see Team): the gap
 * between passes, the factor updates (`advance`), is ~0.1–0.25 ms at the paper size, so a
 * worker that polls half a millisecond is awake for the next pass instead of paying a wake-up on
 * every step; the caller polls as long for the worker's share. The paper preset measured ~3% faster
 * (8.77 against 9.01 s, means of five runs each, alternating).
 */
const SPIN_US = 500;

/** The double of the kernels' memory that holds m for `fused` (after the two zero doubles). */
const M_AT = 2;

export interface SensingOperator {
  /** "wasm-simd" or "js": which kernels run. */
  kind: "wasm-simd" | "js";
  /** Threads that share each pass (1: the calling thread alone). */
  threads: number;
  /** Row stride of X and S (n² rounded up to a multiple of 4), and the padded m and V. */
  ld: number;
  mp: number;
  Vp: number;
  /**
   * Views: variant v's X_v at X[v·ld ..], its residual at R[v·mp ..], its gradient at S[v·ld ..];
   * the measurements y at Y[0 .. m) (the caller writes them; the padding stays zero).
   */
  X: Float64Array;
  R: Float64Array;
  S: Float64Array;
  Y: Float64Array;
  /**
   * The gradient of L = (1/2m) Σ_i (⟨A_i, X_v⟩ − y_i)² for every variant, in one pass over A:
   * R_v ← (A(X_v) − y)/m, then S_v ← Aᵀ(R_v). Each block of three rows of A is used for both
   * while it is still in cache.
   */
  gradient(): void;
  /**
   * Moves f's factors into the operator's memory as variant v's (f.F and f.G become views there),
   * so `product`, `gdStep` and `advance` below read them in place. f.k must not exceed the kMax given.
   */
  adopt(f: Factors, v: number): void;
  /** X_v = F Gᵀ for an adopted model (model.ts's `product`, bit for bit). */
  product(f: Factors, v: number): void;
  /** One GD step of an adopted model from S_v (model.ts's `gdStep`, bit for bit). */
  gdStep(f: Factors, v: number, eta: number): void;
  /**
   * `gdStep` then `product` for every variant v, models[v] adopted as variant v: the step from
   * S_v and the next X_v. The variants are shared between two threads where there are workers
   * (each has its own scratch); the bits are those of the calls one by one.
   */
  advance(models: Factors[], eta: number): void;
  /** Stops the operator's worker threads; it must not be used afterwards. */
  dispose(): void;
  /** Worker threads booted and taking shares so far (for tests: until then the caller does it all). */
  workersReady(): number;
}

export interface OperatorOptions {
  /** false: the JavaScript kernels even where WebAssembly SIMD is available (for tests). */
  useWasm?: boolean;
  /** The most columns k of any variant's factors (room for `adopt`); default 0, no factors. */
  kMax?: number;
}

/**
 * Below this many multiply-adds a pass runs on the calling thread alone (the `quick` preset's
 * 9 × 201 × 256 passes, ~50 µs each, gain less than a worker's wake-up costs).
 */
const MIN_SPLIT = 1 << 20;

/**
 * A (m rows of n² numbers, as from gaussianOperator) made resident for V variants. With more
 * than one thread (linalg's count: LOWRANK_THREADS, else every core) the memory is shared and the
 * groups of rows of each pass (see GROUPS) are shared out over a team of workers.
 */
export function sensingOperator(A: Float64Array, m: number, n2: number, V: number, options: OperatorOptions = {}): SensingOperator {
  const useWasm = options.useWasm ?? true, kMax = options.kMax ?? 0;
  const n = Math.round(Math.sqrt(n2));
  const ld = Math.ceil(n2 / (2 * UNROLL)) * 2 * UNROLL, mp = Math.ceil(m / (B * GROUPS)) * B * GROUPS, Vp = Math.ceil(V / B) * B;
  const rows = mp / GROUPS; // rows of A in a group
  // Factor slots: F and G of n·kMax doubles each, one spare (odd k reads one past the end), even.
  const slot = kMax === 0 ? 0 : 2 * Math.ceil((n * kMax + 1) / 2);
  const np = n + (n % 2), kp = kMax + (kMax % 2);
  const scratch = kMax === 0 ? 0 : 2 * kMax * np + n * kp; // the factor kernels' (even), one per variant
  const rowDoubles = ADVANCE_ROW / 8;
  const sizes = [mp * ld, Vp * ld, Vp * mp, GROUPS * Vp * ld, mp, 2 * V * slot, V * scratch, V * rowDoubles]; // A, X, R, S partials, y, factors, scratch, advance's table
  const threads = useWasm && mp * Vp * ld >= MIN_SPLIT ? _threads() : 1;
  const K = useWasm ? kernels(threads > 1) : null;
  let heap: Float64Array;
  let base = 2; // doubles 0-1: sixteen zero bytes the kernels splat for 0.0
  let team: Team | null = null;
  if (K) {
    base = 4; // and double M_AT holds m, the divisor of the residuals
    const bytes = 8 * (base + sizes.reduce((s, x) => s + x, 0));
    const pages = Math.ceil(bytes / 65536);
    const memory = new WebAssembly.Memory(K.shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
    heap = new Float64Array(memory.buffer);
    heap[M_AT] = m;
    K.bind(memory);
    if (K.shared) team = new Team(K.module, memory, ["fused", "advance"], threads - 1, SPIN_US);
  } else {
    heap = new Float64Array(sizes.reduce((s, x) => s + x, 0));
    base = 0;
  }
  const [offA, offX, offR, offS, offY, offF, offT, offTable] = sizes.map((_, k) => base + sizes.slice(0, k).reduce((s, x) => s + x, 0));
  for (let i = 0; i < m; i++) heap.set(A.subarray(i * n2, (i + 1) * n2), offA + i * ld);
  const view = (off: number, len: number) => heap.subarray(off, off + len);
  const [Ares, X, R, partials, Y] = [view(offA, sizes[0]), view(offX, sizes[1]), view(offR, sizes[2]), view(offS, sizes[3]), view(offY, sizes[4])];
  const S = partials.subarray(0, Vp * ld);

  const adopt = (f: Factors, v: number) => {
    if (f.n !== n || f.k > kMax) throw new Error(`sensingOperator: a model of n=${f.n}, k=${f.k} does not fit slots for n=${n}, k ≤ ${kMax}`);
    const F = view(offF + 2 * v * slot, n * f.k), G = view(offF + (2 * v + 1) * slot, n * f.k);
    F.set(f.F);
    if (f.G !== f.F) G.set(f.G);
    f.F = F;
    f.G = f.family === "symmetric" ? F : G;
  };

  if (K) {
    const [pA, pX, pR, pS, pY, pT] = [offA, offX, offR, offS, offY, offT].map((o) => 8 * o);
    const pTable = 8 * offTable; // rows of ADVANCE_ROW bytes
    const table = new Int32Array(heap.buffer, pTable, (V * ADVANCE_ROW) / 4);
    const etas = new Float64Array(heap.buffer, pTable, (V * ADVANCE_ROW) / 8);
    // The variants' work, ∝ k (a symmetric step costs a little less): the first `half` of it here.
    let half = -1;
    // Groups [g0, g1): their rows of A, R and y, and their partials of S.
    const share = (g0: number, g1: number) =>
      [pA + 8 * g0 * rows * ld, pX, pR + 8 * g0 * rows, pS + 8 * g0 * Vp * ld, rows, Vp, ld, ld, mp, pY + 8 * g0 * rows, g1 - g0, 8 * M_AT];
    const fused = (a: number[]) => K.fused(...(a as FusedArgs));
    return {
      kind: "wasm-simd", threads, ld, mp, Vp, X, R, S, Y,
      gradient: () => {
        // No zeroing: each group's first block of rows writes its partial rather than adding to it.
        if (team) team.split(0, GROUPS, share, fused);
        else fused(share(0, GROUPS));
        K.sum(pS, Vp * ld, GROUPS, Vp * ld);
      },
      adopt: (f, v) => {
        adopt(f, v);
        // The variant's row of `advance`'s table, fixed from now on (η comes with each call).
        table.set([pS + 8 * v * ld, f.F.byteOffset, f.G.byteOffset, pX + 8 * v * ld, n, f.k, f.family === "symmetric" ? 1 : 0, pT + 8 * v * scratch], (v * ADVANCE_ROW) / 4);
      },
      product: (f, v) => K.product(f.F.byteOffset, f.G.byteOffset, pX + 8 * v * ld, n, f.k, pT),
      gdStep: (f, v, eta) => K.gdStep(pS + 8 * v * ld, f.F.byteOffset, f.G.byteOffset, n, f.k, eta, f.family === "symmetric" ? 1 : 0, pT),
      advance: (models, eta) => {
        for (let v = 0; v < V; v++) etas[(v * ADVANCE_ROW) / 8 + 4] = eta;
        const idle = team?.idle() ?? [];
        if (idle.length === 0) return K.advance(0, V, pTable);
        if (half < 0) half = balance(models.map((f) => f.k));
        const jobs: [number, number[]][] = [];
        jobs[idle[0]] = [1, [half, V, pTable]];
        team!.run(jobs, () => K.advance(0, half, pTable));
      },
      dispose: () => team?.terminate(),
      workersReady: () => team?.idle().length ?? 0,
    };
  }
  // JavaScript: the same gradient, one pass for A(X) and one for Aᵀ(R) (its sums in another order).
  const work = new Float64Array(4 * n * Math.max(kMax, 1));
  return {
    kind: "js", threads: 1, ld, mp, Vp, X, R, S, Y,
    gradient: () => {
      applyA(Ares, mp, ld, X, Vp, R);
      for (let v = 0; v < Vp; v++) for (let i = 0; i < mp; i++) R[v * mp + i] = (R[v * mp + i] - Y[i]) / m;
      applyAt(Ares, mp, ld, R, Vp, S);
    },
    adopt,
    product: (f, v) => product(f, X, v * ld, work),
    gdStep: (f, v, eta) => gdStep(f, S, v * ld, eta, work),
    advance: (models, eta) => {
      for (let v = 0; v < V; v++) {
        gdStep(models[v], S, v * ld, eta, work);
        product(models[v], X, v * ld, work);
      }
    },
    dispose: () => undefined,
    workersReady: () => 0,
  };
}

type FusedArgs = [pA: number, pX: number, pR: number, pS: number, rows: number, Vp: number, len: number, ld: number, mps: number, py: number, groups: number, pm: number];

interface Kernels {
  /** Whether the module imports a shared memory (for a team of workers). */
  shared: boolean;
  module: WebAssembly.Module;
  bind(memory: WebAssembly.Memory): void;
  /** The gradient on `groups` groups of `rows` rows of A (see fusedKernel). */
  fused(...a: FusedArgs): void;
  /** S ← S + P_1 + … + P_{parts−1} over len doubles, the partials `stride` doubles apart; zeroes P_1 …. */
  sum(pS: number, len: number, parts: number, stride: number): void;
  product(pF: number, pG: number, pX: number, n: number, k: number, pT: number): void;
  gdStep(pS: number, pF: number, pG: number, n: number, k: number, eta: number, symmetric: number, pT: number): void;
  /** gdStep then product for variants v0 … v1-1, from the table at pTable (see advanceKernel). */
  advance(v0: number, v1: number, pTable: number): void;
}

/** Where to cut variants 0 … V-1, of work ∝ k, into two nearly equal runs: the first run's length. */
function balance(ks: number[]): number {
  const total = ks.reduce((s, k) => s + k, 0);
  let best = 0, bestGap = Infinity, sum = 0;
  for (let h = 0; h <= ks.length; h++) {
    const gap = Math.abs(2 * sum - total);
    if (gap < bestGap) [best, bestGap] = [h, gap];
    sum += ks[h] ?? 0;
  }
  return best;
}

const compiled = new Map<boolean, WebAssembly.Module | null>();

// The module's functions, in order (see `kernels`); `fused` calls these three by index.
const [FORWARD, ADJOINT, ADJOINT_SET] = [0, 1, 7];

/**
 * A fresh instance per operator, over the memory given to bind(); null where WebAssembly SIMD is
 * missing. `shared` asks for a module on a shared memory; where that is missing too, the
 * unshared one (one thread).
 */
function kernels(shared: boolean): Kernels | null {
  if (!compiled.has(shared)) {
    let module: WebAssembly.Module | null = null;
    try {
      const functions = [forwardKernel(), adjointKernel(false), fusedKernel(), sumKernel(), productKernel(), gdStepKernel(), advanceKernel(5, 4), adjointKernel(true)];
      const bytes = wasmModule(functions, shared ? { initial: 1, maximum: 65536, shared: true } : undefined);
      if (typeof WebAssembly === "object" && WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    } catch {
      module = null;
    }
    compiled.set(shared, module);
  }
  const module = compiled.get(shared);
  if (!module) return shared ? kernels(false) : null;
  type Exports = Pick<Kernels, "fused" | "sum" | "product" | "gdStep" | "advance">;
  let exports: Exports | undefined;
  return {
    shared,
    module,
    bind(memory) {
      exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
    },
    fused: (...a) => exports!.fused(...a),
    sum: (...a) => exports!.sum(...a),
    product: (...a) => exports!.product(...a),
    gdStep: (...a) => exports!.gdStep(...a),
    advance: (...a) => exports!.advance(...a),
  };
}

// Both kernels take (pA, pY, pR, rows, Vp, len, ld, mps): byte pointers to A's first row, to
// the variant rows Y (X for forward, S for adjoint) and to R's entry for A's first row; then, in
// doubles, how many rows of A (a multiple of 3), variants Vp (a multiple of 3) and entries per
// row (a multiple of 4) to take, the row stride ld of A and Y, and the row stride mps of R.
// `fused` calls them on one block of three rows at a time.
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

/**
 * S_{v+c} += Σ_r R[(v+c)·mp + i + r] A_{i+r} for a 3×3 block: nine splatted coefficients. With
 * `overwrite` (a group's first block), S_{v+c} = that sum instead: the same bits as adding it to
 * zeros, bar the sign of an exact zero, and no pass to zero the partials first.
 */
function adjointKernel(overwrite: boolean) {
  const coef = (r: number, c: number) => vloc(r * B + c);
  const a = (r: number) => vloc(9 + r), t = vloc(12);
  const body = (off: number) => {
    const out: Bytes[] = [];
    for (let r = 0; r < B; r++) out.push(op.localGet(A0 + r), op.v128Load(off), op.localSet(a(r)));
    for (let c = 0; c < B; c++) {
      out.push(op.localGet(coef(0, c)), op.localGet(a(0)), op.f64x2Mul);
      for (let r = 1; r < B; r++) out.push(op.localGet(coef(r, c)), op.localGet(a(r)), op.f64x2Mul, op.f64x2Add);
      if (overwrite) out.push(op.localSet(t), op.localGet(Y0 + c), op.localGet(t), op.v128Store(off));
      else out.push(op.localSet(t), op.localGet(Y0 + c), op.localGet(Y0 + c), op.v128Load(off), op.localGet(t), op.f64x2Add, op.v128Store(off));
    }
    return out;
  };
  const inner: Bytes[] = [];
  for (let r = 0; r < B; r++) for (let c = 0; c < B; c++) inner.push(...rAddr(c), op.v128Load64Splat(8 * r), op.localSet(coef(r, c)));
  inner.push(...alongRow(body));
  return { name: overwrite ? "adjointSet" : "adjoint", params: Array(PARAMS).fill(I32), locals: [...Array(I32_LOCALS).fill(I32), ...Array(13).fill(V128)], body: frame(inner) };
}

/**
 * fused(pA, pX, pR, pS, rows, Vp, len, ld, mps, py, groups, pm): for each of `groups` groups of
 * `rows` rows of A, and each block of three rows in it: R ← A(X) on the block (`forward`), then
 * R ← (R − y)/m on it, with y at py and m the double at pm, then S_g += Aᵀ(R) on the block
 * (`adjoint`), where S_g is the group's partial. The next group's rows, R, y and partial follow
 * at strides rows·ld, rows, rows and Vp·ld doubles.
 */
function fusedKernel() {
  const [pA, pX, pR, pS, rows, Vp, len, ld, mps, py, groups, pm] = Array.from({ length: 12 }, (_, k) => k);
  const [g, i, v, r, mv] = [12, 13, 14, 15, 16];
  const bump = (p: number, doubles: Bytes[]): Bytes[] => [op.localGet(p), ...doubles, op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(p)];
  const rowOfA = [op.localGet(pA), op.localGet(i), op.localGet(ld), op.i32Mul, op.i32Const(8), op.i32Mul, op.i32Add];
  const rowOfR = [op.localGet(pR), op.localGet(i), op.i32Const(8), op.i32Mul, op.i32Add];
  const block = (fn: number, Y: number) => [...rowOfA, op.localGet(Y), ...rowOfR, op.i32Const(B), op.localGet(Vp), op.localGet(len), op.localGet(ld), op.localGet(mps), op.call(fn)];
  const residual: Bytes[] = [];
  for (let k = 0; k < B; k++) {
    // R[v·mps + i + k] = (R[v·mps + i + k] − y[i + k]) / m
    residual.push(
      op.localGet(r),
      op.localGet(r), op.f64Load(8 * k),
      op.localGet(py), op.localGet(i), op.i32Const(8), op.i32Mul, op.i32Add, op.f64Load(8 * k),
      op.f64Sub, op.localGet(mv), op.f64Div, op.f64Store(8 * k),
    );
  }
  const zero = [op.i32Const(0)];
  const body: Bytes[] = [
    op.localGet(pm), op.f64Load(0), op.localSet(mv),
    ...forLoop(g, zero, [op.localGet(groups)], 1, [
      ...forLoop(i, zero, [op.localGet(rows)], B, [
        ...block(FORWARD, pX),
        ...forLoop(v, zero, [op.localGet(Vp)], 1, [
          ...rowOfR, op.localGet(v), op.localGet(mps), op.i32Mul, op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(r),
          ...residual,
        ]),
        // the group's first block writes its partial (ADJOINT_SET), the others add to it
        op.block, op.block, op.localGet(i), op.brIf(0),
        ...block(ADJOINT_SET, pS), op.br(1),
        op.end,
        ...block(ADJOINT, pS),
        op.end,
      ]),
      ...bump(pA, [op.localGet(rows), op.localGet(ld), op.i32Mul]),
      ...bump(pR, [op.localGet(rows)]),
      ...bump(py, [op.localGet(rows)]),
      ...bump(pS, [op.localGet(Vp), op.localGet(ld), op.i32Mul]),
    ]),
  ];
  return { name: "fused", params: Array(12).fill(I32), locals: [I32, I32, I32, I32, F64], body };
}

/** sum(pS, len, parts, stride): S[j] ← ((S[j] + P_1[j]) + P_2[j]) + … for j < len (len even). */
function sumKernel() {
  const [pS, len, parts, stride] = [0, 1, 2, 3];
  const [j, p, q, acc] = [4, 5, 6, 7];
  const body: Bytes[] = forLoop(j, [op.i32Const(0)], [op.localGet(len)], 2, [
    op.localGet(pS), op.localGet(j), op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(q),
    op.localGet(q), op.v128Load(0), op.localSet(acc),
    ...forLoop(p, [op.i32Const(1)], [op.localGet(parts)], 1, [
      op.localGet(q), op.localGet(stride), op.i32Const(8), op.i32Mul, op.i32Add, op.localSet(q),
      op.localGet(acc), op.localGet(q), op.v128Load(0), op.f64x2Add, op.localSet(acc),
    ]),
    op.localGet(pS), op.localGet(j), op.i32Const(8), op.i32Mul, op.i32Add, op.localGet(acc), op.v128Store(0),
  ]);
  return { name: "sum", params: Array(4).fill(I32), locals: [I32, I32, I32, V128], body };
}
