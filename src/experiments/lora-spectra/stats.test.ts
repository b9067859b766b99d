/**
 * The statistics behind the correlation claim: Spearman's ρ with ties, and its bootstrap interval,
 * which must sit at 1 for a monotone relation, straddle 0 for unrelated numbers and be the same
 * for the same seed.
 */
import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { bootstrapSpearman, ranks, spearman } from "./stats.js";

describe("lora-spectra statistics", () => {
  it("ranks ties at their average rank, and ρ is 1 for any increasing relation", () => {
    expect([...ranks([3, 1, 3, 2])]).toEqual([3.5, 1, 3.5, 2]);
    expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it("gives the interval [1, 1] for a monotone relation over 30 points", () => {
    const x = Array.from({ length: 30 }, (_, i) => i);
    const ci = bootstrapSpearman(x, x.map((v) => v ** 2), rng(1));
    expect(ci.lo).toBeCloseTo(1, 12);
    expect(ci.hi).toBeCloseTo(1, 12);
  });

  it("gives an interval around 0 for unrelated numbers, a negative one for a decreasing relation, and the same interval for the same seed", () => {
    const g = rng(2);
    const x = Array.from({ length: 40 }, () => g.normal());
    const y = Array.from({ length: 40 }, () => g.normal());
    const ci = bootstrapSpearman(x, y, rng(3));
    expect(ci.lo).toBeLessThan(0);
    expect(ci.hi).toBeGreaterThan(0);
    expect(bootstrapSpearman(x, y, rng(3))).toEqual(ci);
    const down = bootstrapSpearman(x, x.map((v, i) => -v + 0.1 * y[i]), rng(3));
    expect(down.hi).toBeLessThan(0);
  });

  it("drops resamples where ρ is undefined, and says how many", () => {
    // Two points: a resample draws the same point twice half of the time.
    const ci = bootstrapSpearman([0, 1], [0, 1], rng(4), 0.95, 400);
    expect(ci.dropped).toBeGreaterThan(100);
    expect(ci.dropped).toBeLessThan(300);
    expect(ci.lo).toBe(1);
  });
});
