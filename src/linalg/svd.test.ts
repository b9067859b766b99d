import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import { frobeniusNorm, fromSvd, matrix, orthogonalityError, randomMatrix, randomOrthonormal, sub, svd, type Matrix } from "./index.js";
import { _setWasmEnabled } from "./wasm/kernels.js";
import { _svd } from "./svd.js";

const TOL = 1e-10;

/** A = U diag(s) Vᵀ with Haar-random U (m × k), V (n × k). */
function withSpectrum(m: number, n: number, s: number[], seed: number): Matrix {
  const r = rng(seed);
  return fromSvd({ U: randomOrthonormal(m, s.length, r), S: s, V: randomOrthonormal(n, s.length, r) });
}

/** Checks shapes, ordering, orthonormality and A = U diag(S) Vᵀ; compares S with `s` when given. */
function expectGoodSvd(A: Matrix, s?: number[]): void {
  const { U, S, V } = svd(A);
  const k = Math.min(A.rows, A.cols);
  expect([U.rows, U.cols, S.length, V.rows, V.cols]).toEqual([A.rows, k, k, A.cols, k]);
  for (let i = 1; i < k; i++) expect(S[i]).toBeLessThanOrEqual(S[i - 1]);
  for (let i = 0; i < k; i++) expect(S[i]).toBeGreaterThanOrEqual(0);
  expect(orthogonalityError(U)).toBeLessThan(TOL);
  expect(orthogonalityError(V)).toBeLessThan(TOL);
  const scale = frobeniusNorm(A) || 1;
  expect(frobeniusNorm(sub(A, fromSvd({ U, S, V }))) / scale).toBeLessThan(TOL);
  if (s) {
    const sorted = [...s].sort((a, b) => b - a);
    const top = sorted[0] || 1;
    for (let i = 0; i < k; i++) expect(Math.abs(S[i] - sorted[i]) / top).toBeLessThan(TOL);
  }
}

const range = (k: number, f: (i: number) => number) => Array.from({ length: k }, (_, i) => f(i));

describe("svd", () => {
  it("recovers a known spectrum of a tall 50×20 matrix", () => {
    const s = range(20, (i) => 20 - i);
    expectGoodSvd(withSpectrum(50, 20, s, 1), s);
  });

  it("recovers a known spectrum of a wide 20×50 matrix", () => {
    const s = range(20, (i) => Math.exp(-i / 3));
    expectGoodSvd(withSpectrum(20, 50, s, 2), s);
  });

  it("handles a 1×n row and an n×1 column", () => {
    const r = rng(3);
    expectGoodSvd(randomMatrix(1, 37, r));
    expectGoodSvd(randomMatrix(37, 1, r));
    expect(svd([[3, 4]]).S[0]).toBeCloseTo(5, 14);
  });

  it("returns orthonormal U and V for the zero matrix, small and large", () => {
    expectGoodSvd(matrix(5, 3), [0, 0, 0]);
    expectGoodSvd(matrix(60, 40), range(40, () => 0));
  });

  it("keeps U and V orthonormal when half the singular values are zero", () => {
    const s = range(200, (i) => (i < 100 ? 1 + i : 0));
    expectGoodSvd(withSpectrum(200, 200, s, 4), s);
  });

  it("separates repeated singular values into orthonormal vectors", () => {
    const s = range(200, (i) => (i < 50 ? 3 : i < 150 ? 1 : 0));
    expectGoodSvd(withSpectrum(200, 200, s, 5), s);
    const I = matrix(100, 100);
    for (let i = 0; i < 100; i++) I.data[i * 101] = 1;
    expectGoodSvd(I, range(100, () => 1));
  });

  it("is accurate on a 200×200 matrix with a geometric spectrum", () => {
    const s = range(200, (i) => 0.9 ** i);
    expectGoodSvd(withSpectrum(200, 200, s, 6), s);
  });

  it("stays backward stable over sixteen orders of magnitude", () => {
    const s = range(120, (i) => 10 ** (-16 * i / 119));
    expectGoodSvd(withSpectrum(120, 120, s, 7), s);
  });

  it("handles very tall, moderately tall and wide shapes beyond the Jacobi size", () => {
    const s = range(60, (i) => 1 / (1 + i));
    expectGoodSvd(withSpectrum(400, 60, s, 8), s); // QR first
    expectGoodSvd(withSpectrum(80, 60, s, 9), s); // bidiagonalisation directly
    expectGoodSvd(withSpectrum(60, 300, s, 10), s); // wide
  });

  it("scales inputs near the limits of the floating-point range", () => {
    for (const size of [1e-300, 1e300]) {
      const s = range(40, (i) => size * (1 + i));
      const A = withSpectrum(50, 40, s, 13);
      const { S } = svd(A);
      for (let i = 0; i < 40; i++) expect(Math.abs(S[i] - s[39 - i]) / s[39]).toBeLessThan(1e-12);
    }
  });

  it("finds the single direction of a rank-one matrix", () => {
    const s = range(80, (i) => (i === 0 ? 5 : 0));
    expectGoodSvd(withSpectrum(100, 80, s, 11), s);
  });

  it("agrees between the WebAssembly and JavaScript kernels", () => {
    const A = randomMatrix(90, 70, rng(12));
    const fast = svd(A).S;
    _setWasmEnabled(false);
    try {
      const slow = svd(A).S;
      for (let i = 0; i < 70; i++) expect(Math.abs(fast[i] - slow[i])).toBeLessThan(1e-12 * fast[0]);
    } finally {
      _setWasmEnabled(true);
    }
  });

  it("accepts nested arrays and tensor-like objects", () => {
    expect(Array.from(svd([[2, 0], [0, -3]]).S)).toEqual([3, 2]);
    const tensorLike = { shape: [2, 2], dataSync: () => new Float32Array([0, 1, 1, 0]) };
    expect(Array.from(svd(tensorLike).S)).toEqual([1, 1]);
  });

  it("returns empty factors for a matrix with no rows or columns", () => {
    const { U, S, V } = svd(matrix(0, 4));
    expect([U.rows, U.cols, S.length, V.rows, V.cols]).toEqual([0, 0, 0, 4, 0]);
  });

  it("rejects non-finite entries with a UsageError naming the position", () => {
    expect(() => svd([[1, NaN], [0, 1]])).toThrow(UsageError);
    expect(() => svd([[1, 2], [Infinity, 1]])).toThrow(/\(1, 0\)/);
    expect(() => svd([[1, 2], [3]])).toThrow(UsageError);
  });
});

describe("_svd with one side's vectors", () => {
  it("gives svd's values and that side's vectors, and no columns for the other side", () => {
    for (const [m, n, seed] of [[90, 90, 1], [200, 60, 2], [50, 130, 3]]) {
      const A = randomMatrix(m, n, rng(seed));
      const full = svd(A), k = Math.min(m, n);
      const left = _svd(A, "left"), right = _svd(A, "right");
      expect(Array.from(left.S)).toEqual(Array.from(full.S));
      expect(Array.from(right.S)).toEqual(Array.from(full.S));
      expect(Array.from(left.U.data)).toEqual(Array.from(full.U.data));
      expect(Array.from(right.V.data)).toEqual(Array.from(full.V.data));
      expect([left.U.cols, left.V.cols, right.U.cols, right.V.cols]).toEqual([k, 0, 0, k]);
    }
  });
});
