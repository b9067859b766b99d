import { describe, expect, it } from "vitest";
import { rng } from "./rng.js";

describe("rng", () => {
  it("gives the same stream for the same seed and a different one for another seed", () => {
    const a = rng(7).normals(100);
    const b = rng(7).normals(100);
    const c = rng(8).normals(100);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it("draws uniforms in [0, 1) with mean near 1/2", () => {
    const r = rng(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it("draws normals with mean 0 and variance 1 within sampling error", () => {
    const x = rng(2).normals(200_000);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
  });

  it("makes permutations that contain every index once", () => {
    const p = Array.from(rng(3).permutation(1000)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it("forks independent, reproducible child streams", () => {
    const parent = rng(5);
    expect(parent.fork("a").uniform()).toBe(rng(5).fork("a").uniform());
    expect(parent.fork("a").uniform()).not.toBe(parent.fork("b").uniform());
  });
});
