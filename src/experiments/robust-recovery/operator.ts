/**
 * The Gaussian measurement operator 𝒜(X) = [⟨A_1, X⟩, …, ⟨A_m, X⟩] on symmetric X, and the
 * symmetric part of its adjoint, sym(𝒜*(w)) = sym(Σ_i w_i A_i), applied to V variants (models
 * stepped together) at once.
 *
 * Every iterate here is symmetric (X = U Uᵀ) and every update reads only the symmetric part
 * Q = sym(Σ_i w_i A_i) (the sub-gradient is (S + Sᵀ)U = 2QU). So each A_i is kept folded onto
 * the upper triangle, Â_i[a ≤ b] = A_i[a, b] + A_i[b, a] (A_i[a, a] on the diagonal):
 * ⟨A_i, X⟩ = Σ_{a≤b} Â_i[a, b] X[a, b] for symmetric X, and Σ_i w_i Â_i holds 2Q above the
 * diagonal and Q on it. Both products then run over n(n+1)/2 numbers a row instead of n²:
 * half the work, the same operator in exact arithmetic (its sums are taken in another order, so
 * results differ from the unfolded ones by round-off).
 *
 * Every SubGM or GD step costs one product of the m × n(n+1)/2 matrix Â with the packed upper
 * triangles of the V iterates, and one transposed product for Σ_i w_{v,i} Â_i, where w is
 * sign(residual)/m for the ℓ1 loss and residual/m for the ℓ2 loss. Nothing else comes close, so
 * both run as matrix products through linalg's WebAssembly kernel with Â resident in the
 * kernel's memory: `_gemmHeap` then copies only the small operand, never Â. Where WebAssembly
 * SIMD is missing, or another run already holds the resident copy, the same products run
 * through `_gemm` on ordinary arrays.
 *
 * Layout (row-major, doubles): packed index p(a, b) = a·n − a(a−1)/2 + (b − a) for a ≤ b (the
 * upper triangle row by row, `packedIndex`). Â is m×ld with ld = n(n+1)/2 padded with zeros to a
 * multiple of 8; X is ld×Vp (column v = packed upper triangle of X_v); the forward result R is
 * m×Vp (R[i·Vp + v] = ⟨A_i, X_v⟩); the adjoint takes W as Vp×m (row v = w_v) and writes S as
 * Vp×ld (row v = Σ_i w_{v,i} Â_i, which `unpackSymmetric` turns into Q_v). Vp is V rounded up to
 * a multiple of 8, the kernel's column block; padding stays zero.
 */
import { GEMM_HEAP_SCRATCH, _gemm, _gemmHeap } from "../../linalg/gemm.js";
import { _heapAlloc, _heapRelease, _heapView, _kernels, type Kernels } from "../../linalg/wasm/kernels.js";

export interface MeasurementOperator {
  readonly m: number;
  readonly n: number;
  /** Row stride of Â and of S; n(n+1)/2 padded. */
  readonly ld: number;
  /** Variants, and the padded count (the row/column stride of X, R, W, S). */
  readonly V: number;
  readonly Vp: number;
  /** "wasm-resident" (A kept in the kernel's memory) or "copying" (linalg's _gemm on plain arrays). */
  readonly kind: "wasm-resident" | "copying";
  /** Views to fill and read; re-fetch after any call, since the kernel's memory may grow. */
  views(): { X: Float64Array; R: Float64Array; W: Float64Array; S: Float64Array };
  /** R ← Â X: ⟨A_i, X_v⟩ for every measurement and (symmetric, packed) variant. */
  forward(): void;
  /** S ← W Â: S_v = Σ_i W[v, i] Â_i for every variant (packed; see `unpackSymmetric`). */
  adjoint(): void;
  /** Gives the resident memory back; the operator must not be used afterwards. */
  dispose(): void;
}

/** Only one operator at a time keeps A in the kernel's stack-like memory; others copy. */
let residentHeld = false;

export const padTo = (x: number, k: number): number => Math.ceil(x / k) * k;

/** The padded row stride for the n(n+1)/2 packed numbers: a multiple of 8, never exactly a multiple of 8 KiB. */
export function rowStride(n: number): number {
  const ld = padTo((n * (n + 1)) / 2, 8);
  return ld % 1024 === 0 ? ld + 8 : ld;
}

/** Where entry (a, b), a ≤ b, of a symmetric n×n matrix sits in its packed upper triangle. */
export const packedIndex = (n: number, a: number, b: number): number => a * n - (a * (a - 1)) / 2 + (b - a);

/** Â_i for every row of A (m rows of n² numbers): A_i folded onto its upper triangle, into rows of stride ld at out[off ..]. */
function fold(A: Float64Array, m: number, n: number, out: Float64Array, off: number, ld: number): void {
  const n2 = n * n;
  for (let i = 0; i < m; i++) {
    const src = i * n2;
    let dst = off + i * ld;
    for (let a = 0; a < n; a++) {
      out[dst++] = A[src + a * n + a];
      for (let b = a + 1; b < n; b++) out[dst++] = A[src + a * n + b] + A[src + b * n + a];
    }
  }
}

/** Column v (stride Vp) of the operator's X from a symmetric n×n X_v (its upper triangle). */
export function packSymmetric(Xv: Float64Array, n: number, X: Float64Array, v: number, Vp: number): void {
  let p = v;
  for (let a = 0; a < n; a++) for (let b = a; b < n; b++, p += Vp) X[p] = Xv[a * n + b];
}

/**
 * Q = sym(Σ_i w_i A_i) (n×n, full) from a packed row S_v = Σ_i w_i Â_i at S[off ..]: the
 * diagonal as it is, each entry above it halved and mirrored.
 */
export function unpackSymmetric(S: Float64Array, off: number, n: number, Q: Float64Array): void {
  let p = off;
  for (let a = 0; a < n; a++) {
    Q[a * n + a] = S[p++];
    for (let b = a + 1; b < n; b++) Q[a * n + b] = Q[b * n + a] = 0.5 * S[p++];
  }
}

/**
 * The operator for A (m rows of n² numbers, row-major, as from gaussianMeasurements) and V
 * symmetric variants. `resident = false` forces the copying path (for tests that compare the two).
 */
export function measurementOperator(A: Float64Array, m: number, n: number, V: number, resident = true): MeasurementOperator {
  const ld = rowStride(n), Vp = padTo(Math.max(V, 1), 8);
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
    fold(A, m, n, H, off.A, ld);
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
  fold(A, m, n, Ap, 0, ld);
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
