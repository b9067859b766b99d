/**
 * The random maps P: R^d → R^D of Li et al. 2018 (arXiv:1804.08838, §2 and §S6). Training only
 * moves θ_d; the network's weights are θ = θ₀ + P·θ_d. Each projection applies P and Pᵀ on
 * typed arrays (Pᵀ is what the chain rule needs: ∂L/∂θ_d = Pᵀ·∂L/∂θ), so no D×d matrix is
 * ever materialised except by `dense`, which exists to check the others against.
 */
import type { Rng } from "../../compute/rng.js";
import { _rowDots } from "../../linalg/rowDots.js";
import { denseKernels } from "./denseKernels.js";
import { fwht } from "./fwht.js";

export type ProjectionKind = "dense" | "sparse" | "fastfood";

export interface Projection {
  kind: ProjectionKind | "identity";
  /** Subspace dimension. */
  d: number;
  /** Parameter count of the network. */
  D: number;
  /** out ← P·v, v of length d, out of length D. */
  apply(v: Float32Array, out: Float32Array): void;
  /** out ← Pᵀ·g, g of length D, out of length d. */
  applyT(g: Float32Array, out: Float32Array): void;
  /** Bytes the projection holds (for the memory note in the README). */
  bytes: number;
}

/** Fastfood's factors, exposed so tests can rebuild the matrix P stands for. */
export interface FastfoodFactors {
  L: number;
  B: Float32Array;
  Pi: Int32Array;
  G: Float32Array;
  scale: number;
}

/** P = I (d = D): direct training of every weight, the paper's baseline, through the same code. */
export function identityProjection(D: number): Projection {
  return {
    kind: "identity", d: D, D, bytes: 0,
    apply: (v, out) => out.set(v),
    applyT: (g, out) => out.set(g),
  };
}

/**
 * Dense Gaussian P with each of its d columns scaled to unit length over all D weights (§2).
 * D·d floats: 80 MB for the FC net at d = 100, which is why the paper turns to Fastfood. The
 * products run as WebAssembly SIMD where there is a memory of that size to hold P
 * (denseKernels.ts, the same bits as the JavaScript loops below, which are the fallback).
 */
export function denseProjection(D: number, d: number, rng: Rng): Projection & { matrix: Float32Array } {
  const K = denseKernels(D, d);
  const P = K ? K.P : new Float32Array(D * d); // column-major: column j is P[j*D .. (j+1)*D)
  for (let j = 0; j < d; j++) {
    const col = P.subarray(j * D, (j + 1) * D);
    let norm2 = 0;
    for (let i = 0; i < D; i++) {
      const z = rng.normal();
      col[i] = z;
      norm2 += z * z;
    }
    const s = 1 / Math.sqrt(norm2);
    for (let i = 0; i < D; i++) col[i] *= s;
  }
  const kind = "dense", bytes = P.byteLength;
  if (K === null) {
    return {
      kind, d, D, bytes, matrix: P,
      apply(v, out) {
        out.fill(0);
        _denseRows(P, D, d, v, out, 0, D);
      },
      applyT: (g, out) => _rowDots(P, d, D, g, out), // Pᵀ·g: P's columns are rows of Pᵀ
    };
  }
  const even = D - (D % 2); // the kernel takes rows in pairs; an odd last row runs below
  return {
    kind, d, D, bytes, matrix: P,
    apply(v, out) {
      K.v.set(v);
      K.out.fill(0);
      K.apply(0, even);
      out.set(K.out);
      if (even < D) _denseRows(P, D, d, v, out, even, D);
    },
    applyT(g, out) {
      K.g.set(g.subarray(0, D));
      K.applyT(0, d);
      out.set(K.outT);
    },
  };
}

/**
 * out[i] += (P·v)[i] for rows i0 ≤ i < i1 (out zeroed there first): four columns per pass over
 * `out`, ≈2.6× faster than one (memory traffic, not flops); the order that denseKernels keeps.
 */
export function _denseRows(P: Float32Array, D: number, d: number, v: Float32Array, out: Float32Array, i0: number, i1: number): void {
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const [v0, v1, v2, v3] = [v[j], v[j + 1], v[j + 2], v[j + 3]];
    const o0 = j * D, o1 = o0 + D, o2 = o1 + D, o3 = o2 + D;
    for (let i = i0; i < i1; i++) out[i] += v0 * P[o0 + i] + v1 * P[o1 + i] + v2 * P[o2 + i] + v3 * P[o3 + i];
  }
  for (; j < d; j++) {
    const vj = v[j];
    for (let i = i0, o = j * D; i < i1; i++) out[i] += vj * P[o + i];
  }
}

/**
 * Very sparse random projection (Li, Hastie & Church 2006): entry nonzero with probability
 * 1/√D, sign ±1, then each column scaled to unit length as for `dense`. About √D nonzeros per
 * column, stored by column (CSC).
 */
export function sparseProjection(D: number, d: number, rng: Rng): Projection {
  const p = 1 / Math.sqrt(D);
  const logq = Math.log1p(-p);
  const start = new Int32Array(d + 1);
  const rows: number[] = [];
  const vals: number[] = [];
  for (let j = 0; j < d; j++) {
    const first = rows.length;
    // Bernoulli(p) positions by geometric gaps; redraw the (vanishingly rare) empty column.
    while (rows.length === first) {
      for (let i = Math.floor(Math.log(1 - rng.uniform()) / logq); i < D; i += 1 + Math.floor(Math.log(1 - rng.uniform()) / logq)) {
        rows.push(i);
        vals.push(rng.uniform() < 0.5 ? -1 : 1);
      }
    }
    const s = 1 / Math.sqrt(rows.length - first);
    for (let k = first; k < rows.length; k++) vals[k] *= s;
    start[j + 1] = rows.length;
  }
  const R = Int32Array.from(rows);
  const V = Float32Array.from(vals);
  return {
    kind: "sparse", d, D, bytes: R.byteLength + V.byteLength + start.byteLength,
    apply(v, out) {
      out.fill(0);
      for (let j = 0; j < d; j++) {
        const vj = v[j];
        for (let k = start[j]; k < start[j + 1]; k++) out[R[k]] += V[k] * vj;
      }
    },
    applyT(g, out) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = start[j]; k < start[j + 1]; k++) s += V[k] * g[R[k]];
        out[j] = s;
      }
    },
  };
}

/**
 * Fastfood (Le, Sarlós & Smola 2013) as used in the paper (§S6 and its code): with
 * L = 2^⌈log₂ D⌉, pad θ_d with zeros to L, compute H G Π H B, keep the first D entries and scale
 * by 1/(√(L·ΣG²)·√(D/L)), so every column has unit length in expectation (exactly when D = L).
 * B: random signs, Π: random permutation, G: Gaussian diagonal, H: Walsh–Hadamard. O(L log L)
 * per product and 3L numbers of memory: 3 MB for the FC net at any d.
 */
export function fastfoodProjection(D: number, d: number, rng: Rng): Projection & { factors: FastfoodFactors } {
  if (d > D) throw new RangeError(`fastfood: d = ${d} exceeds D = ${D}`);
  const L = 2 ** Math.ceil(Math.log2(D));
  const B = new Float32Array(L);
  for (let i = 0; i < L; i++) B[i] = rng.uniform() < 0.5 ? -1 : 1;
  const Pi = rng.permutation(L);
  const G = Float32Array.from(rng.normals(L));
  let sumG2 = 0;
  for (let i = 0; i < L; i++) sumG2 += G[i] * G[i];
  const scale = 1 / (Math.sqrt(L * sumG2) * Math.sqrt(D / L));
  const a = new Float32Array(L);
  const b = new Float32Array(L);
  return {
    kind: "fastfood", d, D, bytes: 4 * (B.length + Pi.length + G.length + a.length + b.length),
    factors: { L, B, Pi, G, scale },
    apply(v, out) {
      a.fill(0);
      for (let i = 0; i < d; i++) a[i] = B[i] * v[i]; // B·pad(v)
      fwht(a); // H
      for (let i = 0; i < L; i++) b[i] = G[i] * a[Pi[i]]; // G·Π
      fwht(b); // H
      for (let i = 0; i < D; i++) out[i] = scale * b[i];
    },
    applyT(g, out) {
      // Pᵀ = scale · [I_d 0] B H Πᵀ G H [I_D; 0]: the same factors in reverse, each self-adjoint but Π.
      b.fill(0);
      b.set(g.subarray(0, D));
      fwht(b);
      for (let i = 0; i < L; i++) a[Pi[i]] = G[i] * b[i];
      fwht(a);
      for (let i = 0; i < d; i++) out[i] = scale * B[i] * a[i];
    },
  };
}

export function projection(kind: ProjectionKind, D: number, d: number, rng: Rng): Projection {
  switch (kind) {
    case "dense":
      return denseProjection(D, d, rng);
    case "sparse":
      return sparseProjection(D, d, rng);
    case "fastfood":
      return fastfoodProjection(D, d, rng);
  }
}
