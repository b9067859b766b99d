import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import { matmul, matrix, principalAngles, randomMatrix } from "./index.js";

describe("principalAngles", () => {
  it("are all zero between a subspace and itself, whatever its basis", () => {
    const r = rng(1);
    const A = randomMatrix(40, 6, r);
    const B = matmul(A, randomMatrix(6, 6, r)); // same column space, another basis
    for (const a of principalAngles(A, B)) expect(a).toBeLessThan(1e-10);
  });

  it("are π/2 between orthogonal subspaces", () => {
    const E12 = matrix(4, 2, [1, 0, 0, 1, 0, 0, 0, 0]);
    const E34 = matrix(4, 2, [0, 0, 0, 0, 1, 0, 0, 1]);
    for (const a of principalAngles(E12, E34)) expect(a).toBeCloseTo(Math.PI / 2, 14);
  });

  it("resolve tiny and intermediate angles to full precision", () => {
    for (const theta of [1e-12, 1e-6, 0.3, 1.2]) {
      const [a] = principalAngles([[1], [0]], [[Math.cos(theta)], [Math.sin(theta)]]);
      expect(Math.abs(a - theta)).toBeLessThan(1e-15 + 1e-12 * theta);
    }
  });

  it("are ascending, one per dimension of the smaller subspace", () => {
    const r = rng(2);
    const angles = principalAngles(randomMatrix(30, 5, r), randomMatrix(30, 3, r));
    expect(angles.length).toBe(3);
    for (let i = 1; i < 3; i++) expect(angles[i]).toBeGreaterThanOrEqual(angles[i - 1]);
  });

  it("count a rank-deficient basis by its rank", () => {
    const A = [[1, 2], [0, 0], [0, 0]]; // rank 1: span{e1}
    const angles = principalAngles(A, [[0, 1], [1, 0], [0, 0]]);
    expect(angles.length).toBe(1);
    expect(angles[0]).toBeLessThan(1e-12);
  });

  it("insist on the same ambient dimension", () => {
    expect(() => principalAngles(matrix(3, 1), matrix(4, 1))).toThrow(UsageError);
  });
});
