/**
 * The factor updates of model.ts (`product`: X = F Gᵀ; `gdStep`: one GD step from S = ∇_X L) as
 * WebAssembly SIMD, for operator.ts's module. They run between the operator's passes (`advance`
 * shares the variants between two threads), on factors kept in the operator's memory, so a step
 * copies nothing.
 *
 * Every sum is taken in the same order, with the same separate multiply and add, as model.ts's
 * JavaScript: results are bit-identical to it. What changes is that the loops along a row go two
 * doubles per f64x2 instruction. At the paper size (n = 50, k ≤ 5, 9 variants) the JavaScript
 * took ~0.5 ms a step, a seventh of the step.
 *
 * Layout: F and G are row-major n × k with at least one double of padding after them; X and S
 * are row-major n × n (a variant's row of the operator, zero-padded past n²). Loops along a row
 * of n run in pairs, so for odd n the last pair reaches one double past the row: into the next
 * row (whose own pass rewrites it) or into the padding. The scratch holds G transposed (k rows of
 * np = n rounded up to even, the extra column zero) and the two gradients.
 */
import { F64, I32, V128, forLoop, op, type Bytes, type WasmFunction } from "../../linalg/wasm/assemble.js";

const get = (local: number): Bytes[] => [op.localGet(local)];
const zero: Bytes[] = [op.i32Const(0)];
/** base + 8·(index code): the byte address of a double. */
const at = (base: number, index: Bytes[]): Bytes[] => [op.localGet(base), ...index, op.i32Const(8), op.i32Mul, op.i32Add];
/** x·y + z for locals. */
const madd = (x: number, y: number, z: number): Bytes[] => [op.localGet(x), op.localGet(y), op.i32Mul, op.localGet(z), op.i32Add];
/** (x + 1) & ~1: x rounded up to even. */
const even = (x: number): Bytes[] => [op.localGet(x), op.i32Const(1), op.i32Add, op.i32Const(-2), op.i32And];

/**
 * T[j·np + b] = G[b·k + j] for j < k, b < n, and T[j·np + np − 1] = 0 first (for odd n the zero
 * stays: the pad column). Uses locals J, B.
 */
function transposeG(pG: number, n: number, k: number, pT: number, np: number, J: number, B: number): Bytes[] {
  return forLoop(J, zero, get(k), 1, [
    ...at(pT, [...madd(J, np, np), op.i32Const(-1), op.i32Add]), op.f64Const0(), op.f64Store(0),
    ...forLoop(B, zero, get(n), 1, [
      ...at(pT, madd(J, np, B)), ...at(pG, madd(B, k, J)), op.f64Load(0), op.f64Store(0),
    ]),
  ]);
}

/**
 * dst[i] += s · src[i] for i = 0 … count − 1 in pairs (count even), with dst and src byte
 * addresses in locals and s a splatted v128 local; the multiply, then the add, as in model.ts.
 * Uses local I.
 */
function axpy(I: number, count: Bytes[], dst: number, src: number, s: number): Bytes[] {
  return forLoop(I, zero, count, 2, [
    ...at(dst, get(I)),
    ...at(dst, get(I)), op.v128Load(0),
    op.localGet(s), ...at(src, get(I)), op.v128Load(0), op.f64x2Mul, op.f64x2Add,
    op.v128Store(0),
  ]);
}

/** Zeroes `count` doubles (even) from byte address `p`. Uses local I. */
function zeroFill(p: number, count: Bytes[], I: number): Bytes[] {
  return forLoop(I, zero, count, 2, [...at(p, get(I)), op.f64Const0(), op.f64x2Splat, op.v128Store(0)]);
}

/**
 * `product(pF, pG, pX, n, k, pT)`: X = F Gᵀ. For each row a of X: zero it, then add F[a, j] times
 * row j of Gᵀ for j = 0 … k − 1, as model.ts's `product`.
 */
export function productKernel(): WasmFunction {
  const [pF, pG, pX, n, k, pT] = [0, 1, 2, 3, 4, 5];
  const [np, A, J, B, row, f, t] = [6, 7, 8, 9, 10, 11, 12];
  const body: Bytes[] = [
    ...even(n), op.localSet(np),
    ...transposeG(pG, n, k, pT, np, J, B),
    ...forLoop(A, zero, get(n), 1, [
      ...at(pX, [op.localGet(A), op.localGet(n), op.i32Mul]), op.localSet(row),
      ...zeroFill(row, get(np), B),
      ...forLoop(J, zero, get(k), 1, [
        ...at(pF, madd(A, k, J)), op.v128Load64Splat(0), op.localSet(f),
        ...at(pT, [op.localGet(J), op.localGet(np), op.i32Mul]), op.localSet(t),
        ...axpy(B, get(np), row, t, f),
      ]),
    ]),
  ];
  return { name: "product", params: Array(6).fill(I32), locals: [...Array(5).fill(I32), V128, I32], body };
}

/**
 * `gdStep(pS, pF, pG, n, k, eta, symmetric, pT)`: one GD step, as model.ts's `gdStep`.
 * dF = S G row by row (row a of dF, kp = k rounded up to even wide, gains S[a, b] times row b of
 * G for b = 0 … n − 1, which is the order of model.ts's dot product), dGᵀ = (Sᵀ F)ᵀ (row j gains
 * F[a, j] times row a of S for a = 0 … n − 1), then F −= η dF (+ η dGᵀᵀ for XXᵀ, where G is F)
 * and, for FGᵀ, G −= η dGᵀᵀ. Both gradients are taken at the old factors.
 */
export function gdStepKernel(): WasmFunction {
  const [pS, pF, pG, n, k, eta, symmetric, pT] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [np, kp, dF, dGt, A, J, B, row, s, g, dFrow] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  /** P[a, j] −= η · (the f64 that `step` pushes), for every a < n, j < k. */
  const update = (P: number, step: Bytes[]): Bytes[] => forLoop(A, zero, get(n), 1, forLoop(J, zero, get(k), 1, [
    ...at(P, madd(A, k, J)),
    ...at(P, madd(A, k, J)), op.f64Load(0), op.localGet(eta), ...step, op.f64Mul, op.f64Sub,
    op.f64Store(0),
  ]));
  const body: Bytes[] = [
    ...even(n), op.localSet(np),
    ...even(k), op.localSet(kp),
    ...at(pT, [op.localGet(k), op.localGet(np), op.i32Mul]), op.localSet(dF),
    ...at(dF, [op.localGet(n), op.localGet(kp), op.i32Mul]), op.localSet(dGt),
    ...transposeG(pG, n, k, pT, np, J, B),
    ...zeroFill(dF, [op.localGet(n), op.localGet(kp), op.i32Mul], J),
    ...zeroFill(dGt, [op.localGet(k), op.localGet(np), op.i32Mul], J),
    ...forLoop(A, zero, get(n), 1, [
      ...at(pS, [op.localGet(A), op.localGet(n), op.i32Mul]), op.localSet(row),
      ...at(dF, [op.localGet(A), op.localGet(kp), op.i32Mul]), op.localSet(dFrow),
      // dF[a, :] += S[a, b] · G[b, :]; for odd k the last pair reads one double past row b of G.
      ...forLoop(B, zero, get(n), 1, [
        ...at(row, get(B)), op.v128Load64Splat(0), op.localSet(s),
        ...at(pG, [op.localGet(B), op.localGet(k), op.i32Mul]), op.localSet(g),
        ...axpy(J, get(kp), dFrow, g, s),
      ]),
      // dGᵀ[j, :] += F[a, j] · S[a, :]
      ...forLoop(J, zero, get(k), 1, [
        ...at(pF, madd(A, k, J)), op.v128Load64Splat(0), op.localSet(s),
        ...at(dGt, [op.localGet(J), op.localGet(np), op.i32Mul]), op.localSet(g),
        ...axpy(B, get(np), g, row, s),
      ]),
    ]),
    // The update. XXᵀ: F[a, j] −= η · (dF[a, j] + dGᵀ[j, a]).
    op.block, op.localGet(symmetric), op.i32Eqz, op.brIf(0),
    ...update(pF, [...at(dF, madd(A, kp, J)), op.f64Load(0), ...at(dGt, madd(J, np, A)), op.f64Load(0), op.f64Add]),
    op.end,
    // FGᵀ: F[a, j] −= η · dF[a, j] and G[a, j] −= η · dGᵀ[j, a].
    op.block, op.localGet(symmetric), op.brIf(0),
    ...update(pF, [...at(dF, madd(A, kp, J)), op.f64Load(0)]),
    ...update(pG, [...at(dGt, madd(J, np, A)), op.f64Load(0)]),
    op.end,
  ];
  return { name: "gdStep", params: [I32, I32, I32, I32, I32, F64, I32, I32], locals: [...Array(8).fill(I32), V128, I32, I32], body };
}

/** Bytes per variant in `advance`'s table: pS, pF, pG, pX, n, k, symmetric, pT (i32), then η (f64). */
export const ADVANCE_ROW = 40;

/**
 * `advance(v0, v1, pTable)`: for each variant v0 ≤ v < v1, `gdStep` then `product` with the
 * arguments in row v of the table at pTable (ADVANCE_ROW bytes a row): the factors' step from
 * S_v, then X_v = F Gᵀ for the next pass. Variants share nothing (each row names its own
 * scratch), so threads can take different ranges of them. `gdStep` and `product` are the module's
 * functions number gdStepAt and productAt.
 */
export function advanceKernel(gdStepAt: number, productAt: number): WasmFunction {
  const [v0, v1, pTable] = [0, 1, 2];
  const [v, row] = [3, 4];
  const arg = (offset: number): Bytes[] => [op.localGet(row), op.i32Load(offset)];
  const [S, F, G, X, N, K, SYM, T] = [0, 4, 8, 12, 16, 20, 24, 28];
  const body = forLoop(v, get(v0), get(v1), 1, [
    op.localGet(pTable), op.localGet(v), op.i32Const(ADVANCE_ROW), op.i32Mul, op.i32Add, op.localSet(row),
    ...arg(S), ...arg(F), ...arg(G), ...arg(N), ...arg(K), op.localGet(row), op.f64Load(32), ...arg(SYM), ...arg(T), op.call(gdStepAt),
    ...arg(F), ...arg(G), ...arg(X), ...arg(N), ...arg(K), ...arg(T), op.call(productAt),
  ]);
  return { name: "advance", params: [I32, I32, I32], locals: [I32, I32], body };
}
