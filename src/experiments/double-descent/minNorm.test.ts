import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { UsageError } from "../../compute/usageError.js";
import { matrix, type Matrix } from "../../linalg/matrix.js";
import { minNormSolve } from "./minNorm.js";

function mul(A: Matrix, B: Matrix): Matrix {
  const C = matrix(A.rows, B.cols);
  for (let i = 0; i < A.rows; i++) for (let p = 0; p < A.cols; p++) for (let j = 0; j < B.cols; j++) C.data[i * B.cols + j] += A.data[i * A.cols + p] * B.data[p * B.cols + j];
  return C;
}

/** A product of three Householder reflectors: an orthogonal matrix with no special structure. */
function orthogonal(n: number, seed: number): Matrix {
  const Q = matrix(n, n);
  for (let i = 0; i < n; i++) Q.data[i * n + i] = 1;
  const r = rng(seed);
  for (let h = 0; h < 3; h++) {
    const v = r.normals(n);
    const vv = v.reduce((s, x) => s + x * x, 0);
    const H = matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H.data[i * n + j] = (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
    Q.data.set(mul(Q, H).data);
  }
  return Q;
}

const norm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));

describe("minNormSolve", () => {
  it("interpolates an under-determined system with the solution of least norm", () => {
    const A = matrix(5, 12, rng(1).normals(60));
    const y = matrix(5, 1, rng(2).normals(5));
    const x = minNormSolve(A, y);
    const Ax = mul(A, x);
    for (let i = 0; i < 5; i++) expect(Ax.data[i]).toBeCloseTo(y.data[i], 12);
    // Adding any null-space direction only makes the norm grow: x is orthogonal to the null space,
    // i.e. x lies in the row space of A: x = Aᵀα for the α solving AAᵀα = y.
    const At = matrix(12, 5);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 12; j++) At.data[j * 5 + i] = A.data[i * 12 + j];
    const alpha = minNormSolve(mul(A, At), y);
    const xRow = mul(At, alpha);
    for (let j = 0; j < 12; j++) expect(x.data[j]).toBeCloseTo(xRow.data[j], 10);
  });

  it("stays accurate to about κ·ε on a square system with κ = 10¹⁰, where the normal equations would square κ past 1/ε", () => {
    const n = 30;
    const U = orthogonal(n, 3), V = orthogonal(n, 4);
    const S = matrix(n, n);
    for (let i = 0; i < n; i++) S.data[i * n + i] = 10 ** (-10 * i / (n - 1)); // σ from 1 down to 1e-10
    const A = mul(mul(U, S), V);
    const xTrue = matrix(n, 1, rng(5).normals(n));
    const y = mul(A, xTrue);
    const x = minNormSolve(A, y);
    let err = 0;
    for (let i = 0; i < n; i++) err += (x.data[i] - xTrue.data[i]) ** 2;
    // Backward-stable QR: forward error ≲ c·κ·ε ≈ 1e10 · 1.1e-16 ≈ 1e-6.
    expect(Math.sqrt(err) / norm(xTrue.data)).toBeLessThan(1e-4);
  });

  it("adds ridge: (AᵀA + λI)x = Aᵀy, even with fewer rows than columns", () => {
    const A = matrix(4, 7, rng(6).normals(28));
    const y = matrix(4, 2, rng(7).normals(8));
    const x = minNormSolve(A, y, 0.5);
    const At = matrix(7, 4);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 7; j++) At.data[j * 4 + i] = A.data[i * 7 + j];
    const lhs = mul(mul(At, A), x);
    const rhs = mul(At, y);
    for (let i = 0; i < 14; i++) expect(lhs.data[i] + 0.5 * x.data[i]).toBeCloseTo(rhs.data[i], 12);
  });

  it("rejects mismatched shapes and rank-deficient systems with a UsageError", () => {
    expect(() => minNormSolve(matrix(3, 2), matrix(4, 1))).toThrow(UsageError);
    expect(() => minNormSolve([[1, 2], [2, 4]], [[1], [2]])).toThrow(/rank deficient/);
  });
});
