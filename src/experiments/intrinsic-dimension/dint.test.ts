import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { bootstrapDInt90, crossing, dInt90, threshold } from "./dint.js";

describe("d_int90 (Li et al. 2018, §2)", () => {
  it("interpolates the first crossing linearly in log d", () => {
    // 0.8 at d=100, 1.0 at d=400: 0.9 is half-way in log d, i.e. at d=200
    expect(crossing([100, 400], [0.8, 1.0], 0.9)).toBeCloseTo(200, 8);
  });

  it("takes the first crossing, the first d when it already reaches the threshold, and NaN when none does", () => {
    expect(crossing([10, 20, 40, 80], [0.5, 0.95, 0.85, 0.97], 0.9)).toBeCloseTo(Math.exp(Math.log(10) + 0.4 / 0.45 * Math.log(2)), 8);
    expect(crossing([10, 20], [0.92, 0.99], 0.9)).toBe(10);
    expect(crossing([10, 20], [0.5, 0.6], 0.9)).toBeNaN();
  });

  it("uses 90% accuracy for the absolute definition and 90% of direct training for the relative one", () => {
    expect(threshold("absolute", 0.98)).toBe(0.9);
    expect(threshold("relative", 0.98)).toBeCloseTo(0.882, 12);
    const s = { d: [100, 1000], acc: [[0.85, 0.87], [0.95, 0.93]] };
    expect(dInt90(s, "relative", 0.98)).toBeLessThan(dInt90(s, "absolute", 0.98));
  });

  it("bootstraps over runs: a tight interval for identical runs, a wider one for noisy runs, the same for the same seed", () => {
    const same = bootstrapDInt90({ d: [100, 400], acc: [[0.8, 0.8, 0.8], [1, 1, 1]] }, "absolute", [0.98], 200, rng(1));
    expect(same.value).toBeCloseTo(200, 8);
    expect(same.std).toBeLessThan(1e-9);
    const noisy = { d: [100, 400, 1600], acc: [[0.7, 0.85, 0.8], [0.86, 0.93, 0.9], [0.95, 0.97, 0.96]] };
    const a = bootstrapDInt90(noisy, "absolute", [0.98], 500, rng(2));
    const b = bootstrapDInt90(noisy, "absolute", [0.98], 500, rng(2));
    expect(a).toEqual(b);
    expect(a.std).toBeGreaterThan(10);
    expect(a.lo).toBeLessThan(a.value);
    expect(a.hi).toBeGreaterThan(a.value);
    expect(a.missed).toBe(0);
  });
});
