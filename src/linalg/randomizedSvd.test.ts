import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import { fromSvd, orthogonalityError, principalAngles, randomizedSvd, randomMatrix, randomOrthonormal, svd } from "./index.js";

describe("randomizedSvd", () => {
  it("matches the exact top-k singular values and subspaces on a decaying spectrum", () => {
    const r = rng(1);
    const s = Array.from({ length: 80 }, (_, i) => 0.7 ** i);
    const A = fromSvd({ U: randomOrthonormal(300, 80, r), S: s, V: randomOrthonormal(200, 80, r) });
    const k = 10;
    const approx = randomizedSvd(A, k, { rng: rng(2) });
    const exact = svd(A);
    expect([approx.U.rows, approx.U.cols, approx.S.length, approx.V.rows, approx.V.cols]).toEqual([300, k, k, 200, k]);
    for (let i = 0; i < k; i++) expect(Math.abs(approx.S[i] - exact.S[i]) / exact.S[i]).toBeLessThan(1e-8);
    expect(orthogonalityError(approx.U)).toBeLessThan(1e-12);
    expect(orthogonalityError(approx.V)).toBeLessThan(1e-12);
    const top = (M: typeof exact.U) => ({ rows: M.rows, cols: k, data: Float64Array.from({ length: M.rows * k }, (_, q) => M.data[Math.floor(q / k) * M.cols + (q % k)]) });
    const angles = principalAngles(approx.U, top(exact.U));
    expect(Math.max(...angles)).toBeLessThan(1e-6);
  });

  it("is only as good as the spectral gap allows without power iterations", () => {
    const A = randomMatrix(120, 100, rng(3)); // flat spectrum: no low-rank structure to find
    const exact = svd(A).S[0];
    const plain = randomizedSvd(A, 5, { powerIters: 0, rng: rng(4) }).S[0];
    const powered = randomizedSvd(A, 5, { powerIters: 4, rng: rng(4) }).S[0];
    expect(plain).toBeLessThanOrEqual(exact * (1 + 1e-12));
    expect(exact - powered).toBeLessThan(exact - plain);
  });

  it("gives the same answer for the same seed", () => {
    const A = randomMatrix(50, 40, rng(5));
    expect(randomizedSvd(A, 3, { rng: rng(6) }).S).toEqual(randomizedSvd(A, 3, { rng: rng(6) }).S);
  });

  it("rejects k outside 1 … min(m, n) and negative options", () => {
    const A = randomMatrix(10, 6, rng(7));
    expect(() => randomizedSvd(A, 0)).toThrow(UsageError);
    expect(() => randomizedSvd(A, 7)).toThrow(/k must be an integer in \[1, 6\]/);
    expect(() => randomizedSvd(A, 2, { oversample: -1 })).toThrow(/oversample/);
  });
});
