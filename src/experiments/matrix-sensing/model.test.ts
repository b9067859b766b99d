import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { applyA, applyAt, gdStep, initFactors, product, qrInPlace, rebalance } from "./model.js";

function naiveA(A: Float64Array, m: number, n2: number, X: Float64Array, V: number): Float64Array {
  const out = new Float64Array(V * m);
  for (let v = 0; v < V; v++) for (let i = 0; i < m; i++) for (let j = 0; j < n2; j++) out[v * m + i] += A[i * n2 + j] * X[v * n2 + j];
  return out;
}

describe("the batched sensing operator", () => {
  // Odd m and V = 1..6 reach every remainder branch of the blocked loops.
  for (const V of [1, 2, 3, 4, 5, 6]) {
    it(`matches a plain triple loop for A(X) and Aᵀ(R) with V=${V} variants and odd m`, () => {
      const g = rng(V);
      const m = 13, n2 = 9;
      const A = g.normals(m * n2), X = g.normals(V * n2), R = g.normals(V * m);
      const out = new Float64Array(V * m);
      applyA(A, m, n2, X, V, out);
      const want = naiveA(A, m, n2, X, V);
      for (let i = 0; i < want.length; i++) expect(out[i]).toBeCloseTo(want[i], 12);
      // ⟨A(X), R⟩ = ⟨X, Aᵀ(R)⟩ for every variant: Aᵀ is the adjoint.
      const S = new Float64Array(V * n2);
      applyAt(A, m, n2, R, V, S);
      for (let v = 0; v < V; v++) {
        let lhs = 0, rhs = 0;
        for (let i = 0; i < m; i++) lhs += want[v * m + i] * R[v * m + i];
        for (let j = 0; j < n2; j++) rhs += X[v * n2 + j] * S[v * n2 + j];
        expect(lhs).toBeCloseTo(rhs, 10);
      }
    });
  }
});

describe("the factor updates", () => {
  it("take a symmetric GD step along minus the gradient of (1/2)‖XXᵀ − B‖² read off a finite difference", () => {
    const n = 5, k = 2, g = rng(3);
    const f = initFactors("symmetric", n, k, 1, g.normals(2 * n * k));
    const B = g.normals(n * n);
    const loss = (F: Float64Array) => {
      let s = 0;
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
        let x = 0;
        for (let j = 0; j < k; j++) x += F[a * k + j] * F[b * k + j];
        s += 0.5 * (x - B[a * n + b]) ** 2;
      }
      return s;
    };
    // With S = XXᵀ − B (the gradient in X of the loss), gdStep moves F by −η ∇_F.
    const X = new Float64Array(n * n);
    product(f, X, 0);
    const S = X.map((x, i) => x - B[i]);
    const F0 = Float64Array.from(f.F), eta = 1e-3;
    gdStep(f, S, 0, eta, new Float64Array(4 * n * k));
    for (const idx of [0, 3, 7]) {
      const h = 1e-6, up = Float64Array.from(F0), dn = Float64Array.from(F0);
      up[idx] += h;
      dn[idx] -= h;
      const grad = (loss(up) - loss(dn)) / (2 * h);
      expect((F0[idx] - f.F[idx]) / eta).toBeCloseTo(grad, 5);
    }
  });

  it("re-factor F Gᵀ without changing the product, leaving F with k equal singular values", () => {
    const n = 8, k = 3, g = rng(11);
    const f = initFactors("one-step", n, k, 0.01, g.normals(2 * n * k));
    for (let i = 0; i < n * k; i++) f.G[i] += g.normal(); // a G far larger than F, as after GD
    const before = new Float64Array(n * n), after = new Float64Array(n * n);
    product(f, before, 0);
    rebalance(f);
    product(f, after, 0);
    for (let i = 0; i < n * n; i++) expect(after[i]).toBeCloseTo(before[i], 12);
    const Q = Float64Array.from(f.F), R = qrInPlace(Q, n, k);
    const diag = [0, 1, 2].map((j) => Math.abs(R[j * k + j]));
    for (const d of diag) expect(d / diag[0]).toBeCloseTo(1, 10);
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]]) expect(R[p * k + q]).toBeCloseTo(0, 10);
  });
});
