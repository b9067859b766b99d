/**
 * The Gaussian measurement operator 𝒜(X) = [⟨A_1, X⟩, …, ⟨A_m, X⟩] and its adjoint
 * 𝒜*(w) = Σ_i w_i A_i, applied to V variants (models stepped together) at once.
 *
 * Every SubGM or GD step costs one product of the m×n² matrix A (row i = vec(A_i)) with the
 * n²×V block of vec(U_vU_vᵀ), and one transposed product for Σ_i w_{v,i} A_i, where w is
 * sign(residual)/m for the ℓ1 loss and residual/m for the ℓ2 loss. Nothing else comes close, so
 * both run as matrix products through linalg's WebAssembly kernel with A resident in the kernel's
 * memory: `_gemmHeap` then copies only the small operand (the V columns of X), never A. Where
 * WebAssembly SIMD is missing, or another run already holds the resident copy, the same products
 * run through `_gemm` on ordinary arrays.
 *
 * Layout (row-major, doubles): A is m×ld with ld = n² padded with zeros to a multiple of 8;
 * X is ld×Vp (column v = vec(X_v)); the forward result R is m×Vp (R[i·Vp + v] = ⟨A_i, X_v⟩);
 * the adjoint takes W as Vp×m (row v = w_v) and writes S as Vp×ld (row v = vec(Σ_i w_{v,i} A_i)).
 * Vp is V rounded up to a multiple of 8, the kernel's column block; padding stays zero.
 */
import { GEMM_HEAP_SCRATCH, _gemm, _gemmHeap } from "../../linalg/gemm.js";
import { _heapAlloc, _heapRelease, _heapView, _kernels, type Kernels } from "../../linalg/wasm/kernels.js";

export interface MeasurementOperator {
  readonly m: number;
  readonly n: number;
  /** Row stride of A and of S; n² padded. */
  readonly ld: number;
  /** Variants, and the padded count (the row/column stride of X, R, W, S). */
  readonly V: number;
  readonly Vp: number;
  /** "wasm-resident" (A kept in the kernel's memory) or "copying" (linalg's _gemm on plain arrays). */
  readonly kind: "wasm-resident" | "copying";
  /** Views to fill and read; re-fetch after any call, since the kernel's memory may grow. */
  views(): { X: Float64Array; R: Float64Array; W: Float64Array; S: Float64Array };
  /** R ← A X: ⟨A_i, X_v⟩ for every measurement and variant. */
  forward(): void;
  /** S ← Wᵀ-weighted sums: S_v = Σ_i W[v, i] A_i for every variant. */
  adjoint(): void;
  /** Gives the resident memory back; the operator must not be used afterwards. */
  dispose(): void;
}

/** Only one operator at a time keeps A in the kernel's stack-like memory; others copy. */
let residentHeld = false;

export const padTo = (x: number, k: number): number => Math.ceil(x / k) * k;

/** The padded row stride for n² numbers: a multiple of 8, never exactly a multiple of 8 KiB. */
export function rowStride(n: number): number {
  const ld = padTo(n * n, 8);
  return ld % 1024 === 0 ? ld + 8 : ld;
}

/**
 * The operator for A (m rows of n² numbers, row-major, as from gaussianMeasurements) and V
 * variants. `resident = false` forces the copying path (for tests that compare the two).
 */
export function measurementOperator(A: Float64Array, m: number, n: number, V: number, resident = true): MeasurementOperator {
  const n2 = n * n, ld = rowStride(n), Vp = padTo(Math.max(V, 1), 8);
  const sizes = { A: m * ld, X: ld * Vp, R: m * Vp, W: Vp * m, S: Vp * ld };
  const total = sizes.A + sizes.X + sizes.R + sizes.W + sizes.S;
  const K: Kernels | null = resident && !residentHeld ? _kernels() : null;
  if (K) {
    residentHeld = true;
    const base = _heapAlloc(total);
    // Reserve the kernel's packing scratch once, so later products never grow the memory.
    _heapRelease(_heapAlloc(GEMM_HEAP_SCRATCH));
    const off = { A: base, X: base + sizes.A, R: base + sizes.A + sizes.X, W: 0, S: 0 };
    off.W = off.R + sizes.R;
    off.S = off.W + sizes.W;
    const H = _heapView();
    H.fill(0, base, base + total);
    for (let i = 0; i < m; i++) H.set(A.subarray(i * n2, (i + 1) * n2), off.A + i * ld);
    let disposed = false;
    const view = (o: number, len: number) => _heapView().subarray(o, o + len);
    return {
      m, n, ld, V, Vp, kind: "wasm-resident",
      views: () => ({ X: view(off.X, sizes.X), R: view(off.R, sizes.R), W: view(off.W, sizes.W), S: view(off.S, sizes.S) }),
      forward() {
        _heapView().fill(0, off.R, off.R + sizes.R);
        _gemmHeap(K, m, Vp, ld, off.A, ld, off.X, Vp, off.R, Vp);
      },
      adjoint() {
        _heapView().fill(0, off.S, off.S + sizes.S);
        _gemmHeap(K, Vp, ld, m, off.W, m, off.A, ld, off.S, ld);
      },
      dispose() {
        if (disposed) return;
        disposed = true;
        _heapRelease(base);
        residentHeld = false;
      },
    };
  }
  const Ap = new Float64Array(sizes.A);
  for (let i = 0; i < m; i++) Ap.set(A.subarray(i * n2, (i + 1) * n2), i * ld);
  const X = new Float64Array(sizes.X), R = new Float64Array(sizes.R), W = new Float64Array(sizes.W), S = new Float64Array(sizes.S);
  return {
    m, n, ld, V, Vp, kind: "copying",
    views: () => ({ X, R, W, S }),
    forward() {
      R.fill(0);
      _gemm(m, Vp, ld, 1, Ap, 0, ld, 1, X, 0, Vp, R, 0, Vp);
    },
    adjoint() {
      S.fill(0);
      _gemm(Vp, ld, m, 1, W, 0, m, 1, Ap, 0, ld, S, 0, ld);
    },
    dispose() {},
  };
}
