import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import { effectiveRank, matmul, matrix, numericalRank, randomMatrix, stableRank } from "./index.js";

describe("rank measures", () => {
  it("numericalRank finds the inner dimension of a random product", () => {
    const r = rng(1);
    for (const k of [1, 3, 7]) expect(numericalRank(matmul(randomMatrix(30, k, r), randomMatrix(k, 20, r)))).toBe(k);
  });

  it("rank of a product never exceeds the smaller rank (property over random factors)", () => {
    const r = rng(2);
    for (let trial = 0; trial < 20; trial++) {
      const m = 5 + r.int(20), k = 1 + r.int(8), n = 5 + r.int(20), j = 1 + r.int(8), p = 5 + r.int(20);
      const A = matmul(randomMatrix(m, k, r), randomMatrix(k, n, r)); // rank ≤ k
      const B = matmul(randomMatrix(n, j, r), randomMatrix(j, p, r)); // rank ≤ j
      expect(numericalRank(matmul(A, B))).toBeLessThanOrEqual(Math.min(numericalRank(A), numericalRank(B)));
    }
  });

  it("numericalRank uses numpy's default tolerance max(m, n)·ε·σ₁, or the one given", () => {
    expect(numericalRank([1, 1e-17])).toBe(1);
    expect(numericalRank([1, 1e-10])).toBe(2);
    expect(numericalRank([1, 1e-10], 1e-8)).toBe(1);
    expect(numericalRank(matrix(3, 3))).toBe(0);
    expect(numericalRank([[1, 0], [0, 1e-15], [0, 0]])).toBe(2); // 3·ε ≈ 6.7e-16 < 1e-15
  });

  it("stableRank is ‖A‖_F²/σ₁²: k for k equal values, 1 for rank one", () => {
    expect(stableRank([2, 2, 2, 0])).toBeCloseTo(3, 14);
    expect(stableRank([5])).toBe(1);
    expect(stableRank([3, 1])).toBeCloseTo(10 / 9, 14);
    expect(stableRank(matrix(2, 2))).toBe(0);
    expect(stableRank([[3, 0], [0, 1]])).toBeCloseTo(10 / 9, 14);
  });

  it("effectiveRank is k for k equal nonzero values and grows with a flatter spectrum", () => {
    expect(effectiveRank([1, 1, 1, 0, 0])).toBeCloseTo(3, 13);
    expect(effectiveRank([7])).toBeCloseTo(1, 14);
    expect(effectiveRank([1, 0.5, 0.25])).toBeLessThan(effectiveRank([1, 0.9, 0.8]));
    expect(effectiveRank([])).toBe(0);
  });

  it("accepts singular values in any order and as a Float64Array", () => {
    expect(effectiveRank(new Float64Array([0.25, 1, 0.5]))).toBeCloseTo(effectiveRank([1, 0.5, 0.25]), 14);
  });

  it("rejects negative or non-finite singular values", () => {
    expect(() => effectiveRank([1, -1])).toThrow(UsageError);
    expect(() => stableRank([NaN])).toThrow(UsageError);
    expect(() => numericalRank([1], -1)).toThrow(/tol/);
  });
});
