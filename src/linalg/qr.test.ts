import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { frobeniusNorm, matmul, matrix, orthogonalityError, qr, randomMatrix, sub, type Matrix } from "./index.js";

function expectGoodQr(A: Matrix): void {
  const { Q, R } = qr(A);
  const k = Math.min(A.rows, A.cols);
  expect([Q.rows, Q.cols, R.rows, R.cols]).toEqual([A.rows, k, k, A.cols]);
  expect(orthogonalityError(Q)).toBeLessThan(1e-13);
  for (let i = 0; i < k; i++) for (let j = 0; j < Math.min(i, A.cols); j++) expect(R.data[i * A.cols + j]).toBe(0);
  expect(frobeniusNorm(sub(matmul(Q, R), A))).toBeLessThan(1e-13 * (frobeniusNorm(A) || 1));
}

describe("qr", () => {
  it("factors tall, square and wide matrices into orthonormal Q and triangular R", () => {
    const r = rng(1);
    for (const [m, n] of [[50, 20], [33, 33], [20, 50], [1, 6], [6, 1], [200, 70]]) expectGoodQr(randomMatrix(m, n, r));
  });

  it("keeps Q orthonormal for rank-deficient and zero matrices", () => {
    const r = rng(2);
    const B = randomMatrix(40, 3, r), C = randomMatrix(3, 25, r);
    expectGoodQr(matmul(B, C)); // rank 3
    expectGoodQr(matrix(10, 4));
  });
});
