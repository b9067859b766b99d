import { describe, expect, it } from "vitest";
import { fixed, interval, num, percent, sci, tolerance } from "./evidence.js";

describe("evidence formatting", () => {
  it("writes numbers the same way in every experiment", () => {
    expect([num(0.123456), num(12345), num(0.0001234), num(0), num(NaN)]).toEqual(["0.123", "1.23e+4", "1.23e-4", "0", "NaN"]);
    expect([sci(1.2345e-10), fixed(-0.98765), percent(0.9123), interval(1, 2.5)]).toEqual(["1.23e-10", "-0.99", "91.2%", "[1, 2.5]"]);
  });
  it("keeps a tolerance with its source, frozen", () => {
    const t = tolerance(0.02, "equivalence margin of ±2 points, stated before the run");
    expect(Object.isFrozen(t)).toBe(true);
    expect(t.value).toBe(0.02);
  });
});
