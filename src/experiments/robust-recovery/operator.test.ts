/**
 * The measurement operator on symmetric X: both paths (Â resident in the WebAssembly kernel's
 * memory, and linalg's copying _gemm) against plain loops over the unfolded A, padding included,
 * and the adjoint identity ⟨𝒜(X), w⟩ = ⟨X, 𝒜*(w)⟩ = ⟨X, sym 𝒜*(w)⟩ that makes Q = sym(Σ_i w_i A_i)
 * the sub-gradient's matrix.
 */
import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { measurementOperator, packedIndex, packSymmetric, rowStride, unpackSymmetric } from "./operator.js";

/** V random symmetric n×n matrices, stacked. */
function symmetric(V: number, n: number, seed: number): Float64Array {
  const X = rng(seed).normals(V * n * n);
  for (let v = 0; v < V; v++) for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) X[v * n * n + a * n + b] = X[v * n * n + b * n + a];
  return X;
}

/** 𝒜(X_v) and 𝒜*(w_v) by plain loops over the unfolded A. */
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

/** Fills the operator's X (ld×Vp, column v packed) and W (Vp×m, row v) from V stacked symmetric X_v and w_v. */
function load(op: ReturnType<typeof measurementOperator>, X: Float64Array, W: Float64Array, n2: number) {
  const views = op.views();
  for (let v = 0; v < op.V; v++) {
    packSymmetric(X.subarray(v * n2, (v + 1) * n2), op.n, views.X, v, op.Vp);
    views.W.set(W.subarray(v * op.m, (v + 1) * op.m), v * op.m);
  }
}

/** Q_v = sym(S_v) unfolded from the operator's packed S, for every variant, stacked. */
function unpacked(op: ReturnType<typeof measurementOperator>): Float64Array {
  const n = op.n, Q = new Float64Array(op.V * n * n), { S } = op.views();
  for (let v = 0; v < op.V; v++) unpackSymmetric(S, v * op.ld, n, Q.subarray(v * n * n, (v + 1) * n * n));
  return Q;
}

describe("the robust-recovery measurement operator", () => {
  it("packs the upper triangle row by row, and unpacks 2Q above the diagonal to Q", () => {
    const n = 4, X = symmetric(1, n, 1), P = new Float64Array(10);
    packSymmetric(X, n, P, 0, 1);
    expect(packedIndex(n, 1, 2)).toBe(5);
    expect(P[packedIndex(n, 1, 2)]).toBe(X[1 * n + 2]);
    expect(P[packedIndex(n, 3, 3)]).toBe(X[15]);
    const Q = new Float64Array(n * n);
    unpackSymmetric(P, 0, n, Q);
    expect(Q[0]).toBe(X[0]);
    expect(Q[2 * n + 1]).toBe(0.5 * X[1 * n + 2]);
  });

  // Sizes off the kernel's blocks (2 rows, 8 columns), odd m, V below and above 8, and n = 90,
  // whose 4095 packed numbers pad to 4096 (a row of 32 KiB) and so get padded on, away from 8 KiB.
  for (const [n, m, V] of [[3, 7, 1], [5, 70, 4], [6, 131, 9], [90, 65, 3]]) {
    for (const resident of [true, false]) {
      it(`applies 𝒜 and 𝒜* like plain loops for n=${n}, m=${m}, V=${V} (${resident ? "resident" : "copying"})`, () => {
        const g = rng(n * 1000 + m + V), n2 = n * n;
        const A = g.normals(m * n2), X = symmetric(V, n, n + m), W = g.normals(V * m);
        const { AX, AtW } = reference(A, m, n2, X, W, V);
        const op = measurementOperator(A, m, n, V, resident);
        try {
          expect(op.kind).toBe(resident ? "wasm-resident" : "copying"); // Node 20 has WebAssembly SIMD
          expect(op.ld % 8).toBe(0);
          expect(op.ld).toBe(rowStride(n));
          expect(op.ld % 1024).not.toBe(0);
          load(op, X, W, n2);
          op.forward();
          op.forward(); // R is overwritten, not accumulated
          op.adjoint();
          op.adjoint();
          const { R } = op.views(), Q = unpacked(op);
          for (let v = 0; v < V; v++) {
            for (let i = 0; i < m; i++) expect(R[i * op.Vp + v]).toBeCloseTo(AX[v * m + i], 10);
            for (let a = 0; a < n; a++) {
              for (let b = 0; b < n; b++) {
                const sym = 0.5 * (AtW[v * n2 + a * n + b] + AtW[v * n2 + b * n + a]);
                expect(Q[v * n2 + a * n + b]).toBeCloseTo(sym, 10);
              }
            }
          }
        } finally {
          op.dispose();
        }
      });
    }
  }

  it("satisfies the adjoint identity ⟨𝒜(X), w⟩ = ⟨X, 𝒜*(w)⟩ to round-off, for every variant", () => {
    const n = 12, m = 300, V = 5, n2 = n * n, g = rng(7);
    const A = g.normals(m * n2), X = symmetric(V, n, 8), W = g.normals(V * m);
    const op = measurementOperator(A, m, n, V);
    try {
      load(op, X, W, n2);
      op.forward();
      op.adjoint();
      const { R } = op.views(), Q = unpacked(op);
      for (let v = 0; v < V; v++) {
        let lhs = 0, rhs = 0, scale = 0;
        for (let i = 0; i < m; i++) {
          lhs += R[i * op.Vp + v] * W[v * m + i];
          scale += Math.abs(R[i * op.Vp + v] * W[v * m + i]);
        }
        for (let j = 0; j < n2; j++) rhs += X[v * n2 + j] * Q[v * n2 + j];
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * scale);
      }
    } finally {
      op.dispose();
    }
  });

  it("lets only one operator at a time keep A resident; a second one copies, and both agree", () => {
    const n = 6, m = 80, V = 2, n2 = n * n, g = rng(11);
    const A = g.normals(m * n2), X = symmetric(V, n, 12), W = g.normals(V * m);
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
