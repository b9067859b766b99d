import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { gridFor, rankProfile } from "./attention.js";
import { loadMnist, mnistTokens, randomTokens, take } from "./tokens.js";

describe("MNIST tokens", () => {
  it("splits the 10,000 digits of the mnist package 80/20, with class-balanced prefixes", () => {
    const { train, test } = loadMnist();
    expect(train.n + test.n).toBe(10000);
    expect(Math.abs(test.n - 2000)).toBeLessThan(10);
    const counts = new Array(10).fill(0);
    for (const y of take(train, 100).y) counts[y]++;
    expect(counts).toEqual(new Array(10).fill(10));
    expect(Math.max(...train.X.subarray(0, 784 * 10))).toBeLessThanOrEqual(1);
  });

  it("gives the same tokens for the same seed and different ones for another", () => {
    const a = mnistTokens(49, 32, gridFor(49), rng(1)), b = mnistTokens(49, 32, gridFor(49), rng(1)), c = mnistTokens(49, 32, gridFor(49), rng(2));
    expect([a.rows, a.cols]).toEqual([49, 32]);
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
  });

  it("has more rank than the 16 pixels of a patch, thanks to the position embedding", () => {
    // Patches span at most 16 dimensions and background patches coincide; positions separate them.
    const X = mnistTokens(196, 64, gridFor(196), rng(3));
    expect(rankProfile(X).numericalRank).toBeGreaterThan(16);
  });

  it("draws Gaussian tokens of unit variance", () => {
    const X = randomTokens(200, 50, rng(4));
    const variance = X.data.reduce((a, x) => a + x * x, 0) / X.data.length;
    expect(variance).toBeGreaterThan(0.9);
    expect(variance).toBeLessThan(1.1);
  });
});
