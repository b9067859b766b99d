import { describe, expect, it } from "vitest";
import { mnistByClass, mnistSplit, pixels, take } from "./mnist.js";

describe("MNIST from the mnist package", () => {
  it("holds 10,000 digits in ten classes with pixels in [0, 1]", () => {
    const byClass = mnistByClass();
    expect(byClass).toHaveLength(10);
    expect(byClass.reduce((s, c) => s + c.length, 0)).toBe(10_000);
    for (const c of byClass) expect(c.raw.length).toBe(c.length * pixels);
    const { train } = mnistSplit();
    let lo = Infinity, hi = -Infinity;
    for (const v of train.X) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
  });

  it("splits every class 80/20 with disjoint parts and class-balanced prefixes", () => {
    const { train, test } = mnistSplit();
    expect(train.n + test.n).toBe(10_000);
    expect(Math.abs(test.n - 2000)).toBeLessThanOrEqual(10);
    const first = take(train, 100);
    const counts = new Array(10).fill(0);
    for (const label of first.y) counts[label]++;
    expect(Math.min(...counts)).toBe(10);
    expect(mnistSplit()).toBe(mnistSplit()); // parsed once
  });
});
