import { describe, expect, it } from "vitest";
import { lineFit } from "./lineFit.js";

describe("lineFit", () => {
  it("recovers an exact line with R² = 1 and no residual", () => {
    const x = [0, 1, 2, 3, 4];
    const f = lineFit(x, x.map((v) => 2 - 0.5 * v));
    expect(f.slope).toBeCloseTo(-0.5, 12);
    expect(f.intercept).toBeCloseTo(2, 12);
    expect(f.r2).toBeCloseTo(1, 12);
    expect(f.rms).toBeLessThan(1e-12);
  });

  it("reports a poor fit for data a line does not describe", () => {
    const x = [-2, -1, 0, 1, 2];
    const f = lineFit(x, x.map((v) => v * v));
    expect(f.slope).toBeCloseTo(0, 12);
    expect(f.r2).toBeLessThan(0.01);
    expect(f.rms).toBeGreaterThan(1);
  });

  it("fits nothing from fewer than two points", () => {
    expect(Number.isNaN(lineFit([1], [1]).slope)).toBe(true);
  });
});
