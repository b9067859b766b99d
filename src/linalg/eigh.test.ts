import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import { add, eigh, fromSvd, matmul, matrix, orthogonalityError, randomMatrix, randomOrthonormal, transpose, type Matrix } from "./index.js";
import { _setWasmEnabled } from "./wasm/kernels.js";

function residual(A: Matrix, values: Float64Array, V: Matrix): number {
  const AV = matmul(A, V);
  let worst = 0;
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) worst = Math.max(worst, Math.abs(AV.data[i * A.cols + j] - values[j] * V.data[i * A.cols + j]));
  return worst;
}

describe("eigh", () => {
  it("satisfies A v = λ v with orthonormal v on random symmetric matrices", () => {
    const r = rng(1);
    for (const n of [1, 2, 7, 60, 150]) {
      const G = randomMatrix(n, n, r);
      const A = add(G, transpose(G));
      const { values, vectors } = eigh(A);
      expect(vectors.rows).toBe(n);
      expect(orthogonalityError(vectors)).toBeLessThan(1e-12);
      expect(residual(A, values, vectors)).toBeLessThan(1e-12 * Math.max(1, Math.abs(values[0]), Math.abs(values[n - 1])));
      for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    }
  });

  it("recovers known eigenvalues, repeated and negative ones included", () => {
    const r = rng(2);
    const lambda = [5, 5, 5, 2, 0, 0, -1, -1, -3, -3];
    const Q = randomOrthonormal(10, 10, r);
    // Q diag(λ) Qᵀ via fromSvd with V = Q
    const A = fromSvd({ U: Q, S: lambda, V: Q });
    const { values, vectors } = eigh(A);
    lambda.forEach((l, i) => expect(values[i]).toBeCloseTo(l, 12));
    expect(orthogonalityError(vectors)).toBeLessThan(1e-12);
    expect(residual(A, values, vectors)).toBeLessThan(1e-12);
  });

  it("handles diagonal and zero matrices", () => {
    const { values } = eigh([[1, 0, 0], [0, 3, 0], [0, 0, 2]]);
    [3, 2, 1].forEach((l, i) => expect(values[i]).toBeCloseTo(l, 14));
    const z = eigh(matrix(4, 4));
    expect(Array.from(z.values)).toEqual([0, 0, 0, 0]);
    expect(orthogonalityError(z.vectors)).toBe(0);
  });

  it("handles entries near the limits of the floating-point range", () => {
    for (const size of [1e-300, 1e300]) {
      const { values } = eigh([[2 * size, size], [size, 2 * size]]);
      expect(values[0] / size).toBeCloseTo(3, 13);
      expect(values[1] / size).toBeCloseTo(1, 13);
    }
  });

  it("agrees between the WebAssembly and JavaScript kernels", () => {
    const G = randomMatrix(100, 100, rng(4));
    const A = add(G, transpose(G));
    const fast = eigh(A).values;
    _setWasmEnabled(false);
    try {
      const { values, vectors } = eigh(A);
      for (let i = 0; i < 100; i++) expect(Math.abs(values[i] - fast[i])).toBeLessThan(1e-12 * Math.abs(fast[0]));
      expect(residual(A, values, vectors)).toBeLessThan(1e-12 * Math.abs(fast[0]));
    } finally {
      _setWasmEnabled(true);
    }
  });

  it("rejects a non-symmetric matrix and names the asymmetry", () => {
    expect(() => eigh([[1, 2], [0, 1]])).toThrow(UsageError);
    expect(() => eigh([[1, 2], [0, 1]])).toThrow(/not symmetric: \|A\[0\]\[1\] - A\[1\]\[0\]\| = 2\.000e\+0/);
    expect(() => eigh([[1, 2, 3]])).toThrow(/must be square/);
  });

  it("accepts asymmetry at rounding level, as in a computed Gram matrix", () => {
    const X = randomMatrix(30, 8, rng(3));
    const G = matmul(transpose(X), X);
    G.data[1] += 1e-14;
    expect(() => eigh(G)).not.toThrow();
  });
});
