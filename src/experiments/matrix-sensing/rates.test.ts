import { describe, expect, it } from "vitest";
import { lineFit } from "../lineFit.js";
import { fitRate } from "./rates.js";

const iters = Array.from({ length: 201 }, (_, i) => i * 10);

describe("rate fits", () => {
  it("recover slope and intercept of an exact line with R² = 1", () => {
    const f = lineFit([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.intercept).toBeCloseTo(1, 12);
    expect(f.r2).toBeCloseTo(1, 12);
  });

  it("read the rate of a geometric decay and prefer the log-y line to a power law", () => {
    const fit = fitRate(iters, iters.map((t) => 0.5 * Math.exp(-0.004 * t)));
    expect(fit.rate).toBeCloseTo(0.004, 10);
    expect(fit.rmsLinear).toBeLessThan(fit.rmsPower);
    expect([fit.from, fit.to]).toEqual([1000, 2000]);
  });

  it("read a 1/t decay as log-log slope −1 and prefer the power law", () => {
    const fit = fitRate(iters, iters.map((t) => 1 / (1 + t)));
    expect(fit.loglogSlope).toBeCloseTo(-1, 2);
    expect(fit.rmsPower).toBeLessThan(fit.rmsLinear);
  });

  it("end the window where the error reaches the float64 floor and start it no earlier than asked", () => {
    const errors = iters.map((t) => Math.exp(-0.02 * t)); // reaches 1e-10 near t = 1151
    const fit = fitRate(iters, errors, 700);
    expect(fit.to).toBe(1160);
    expect(fit.from).toBe(700);
    expect(fit.rate).toBeCloseTo(0.02, 10);
  });
});
