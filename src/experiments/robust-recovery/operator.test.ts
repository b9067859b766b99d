/**
 * The measurement operator: both paths (A resident in the WebAssembly kernel's memory, and
 * linalg's copying _gemm) against plain loops, padding included, and the adjoint identity
 * ⟨𝒜(X), w⟩ = ⟨X, 𝒜*(w)⟩ that makes Σ_i w_i A_i the sub-gradient's matrix.
 */
import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { measurementOperator, rowStride } from "./operator.js";

/** 𝒜(X_v) and 𝒜*(w_v) by plain loops. */
function reference(A: Float64Array, m: number, n2: number, X: Float64Array, W: Float64Array, V: number) {
  const AX = new Float64Array(V * m), AtW = new Float64Array(V * n2);
  for (let v = 0; v < V; v++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n2; j++) {
        AX[v * m + i] += A[i * n2 + j] * X[v * n2 + j];
        AtW[v * n2 + j] += W[v * m + i] * A[i * n2 + j];
      }
    }
  }
  return { AX, AtW };
}

/** Fills the operator's X (ld×Vp, column v) and W (Vp×m, row v) from V stacked X_v and w_v. */
function load(op: ReturnType<typeof measurementOperator>, X: Float64Array, W: Float64Array, n2: number) {
  const views = op.views();
  for (let v = 0; v < op.V; v++) {
    for (let j = 0; j < n2; j++) views.X[j * op.Vp + v] = X[v * n2 + j];
    views.W.set(W.subarray(v * op.m, (v + 1) * op.m), v * op.m);
  }
}

describe("the robust-recovery measurement operator", () => {
  // Sizes off the kernel's blocks (2 rows, 8 columns), odd m, V below and above 8, and n = 32,
  // whose n² = 1024 row stride gets padded away from 8 KiB.
  for (const [n, m, V] of [[3, 7, 1], [5, 70, 4], [6, 131, 9], [32, 65, 3]]) {
    for (const resident of [true, false]) {
      it(`applies 𝒜 and 𝒜* like plain loops for n=${n}, m=${m}, V=${V} (${resident ? "resident" : "copying"})`, () => {
        const g = rng(n * 1000 + m + V), n2 = n * n;
        const A = g.normals(m * n2), X = g.normals(V * n2), W = g.normals(V * m);
        const { AX, AtW } = reference(A, m, n2, X, W, V);
        const op = measurementOperator(A, m, n, V, resident);
        try {
          expect(op.kind).toBe(resident ? "wasm-resident" : "copying"); // Node 20 has WebAssembly SIMD
          expect(op.ld % 8).toBe(0);
          expect(op.ld).toBe(rowStride(n));
          load(op, X, W, n2);
          op.forward();
          op.forward(); // R is overwritten, not accumulated
          op.adjoint();
          op.adjoint();
          const { R, S } = op.views();
          for (let v = 0; v < V; v++) {
            for (let i = 0; i < m; i++) expect(R[i * op.Vp + v]).toBeCloseTo(AX[v * m + i], 10);
            for (let j = 0; j < n2; j++) expect(S[v * op.ld + j]).toBeCloseTo(AtW[v * n2 + j], 10);
          }
        } finally {
          op.dispose();
        }
      });
    }
  }

  it("satisfies the adjoint identity ⟨𝒜(X), w⟩ = ⟨X, 𝒜*(w)⟩ to round-off, for every variant", () => {
    const n = 12, m = 300, V = 5, n2 = n * n, g = rng(7);
    const A = g.normals(m * n2), X = g.normals(V * n2), W = g.normals(V * m);
    const op = measurementOperator(A, m, n, V);
    try {
      load(op, X, W, n2);
      op.forward();
      op.adjoint();
      const { R, S } = op.views();
      for (let v = 0; v < V; v++) {
        let lhs = 0, rhs = 0, scale = 0;
        for (let i = 0; i < m; i++) {
          lhs += R[i * op.Vp + v] * W[v * m + i];
          scale += Math.abs(R[i * op.Vp + v] * W[v * m + i]);
        }
        for (let j = 0; j < n2; j++) rhs += X[v * n2 + j] * S[v * op.ld + j];
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * scale);
      }
    } finally {
      op.dispose();
    }
  });

  it("lets only one operator at a time keep A resident; a second one copies, and both agree", () => {
    const n = 6, m = 80, V = 2, n2 = n * n, g = rng(11);
    const A = g.normals(m * n2), X = g.normals(V * n2), W = g.normals(V * m);
    const first = measurementOperator(A, m, n, V);
    const second = measurementOperator(A, m, n, V);
    try {
      expect(first.kind).toBe("wasm-resident");
      expect(second.kind).toBe("copying");
      for (const op of [first, second]) {
        load(op, X, W, n2);
        op.forward();
        op.adjoint();
      }
      const a = first.views(), b = second.views();
      for (let k = 0; k < m * first.Vp; k++) expect(a.R[k]).toBeCloseTo(b.R[k], 12);
      for (let k = 0; k < first.Vp * first.ld; k++) expect(a.S[k]).toBeCloseTo(b.S[k], 12);
    } finally {
      second.dispose();
      first.dispose();
    }
    const again = measurementOperator(A, m, n, V);
    expect(again.kind).toBe("wasm-resident"); // given back by dispose
    again.dispose();
  });
});
