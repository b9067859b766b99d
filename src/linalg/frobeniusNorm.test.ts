import { describe, expect, it } from "vitest";
import { frobeniusNorm } from "./index.js";

describe("frobeniusNorm", () => {
  it("is the square root of the sum of squares", () => {
    expect(frobeniusNorm([[3, 0], [0, 4]])).toBe(5);
    expect(frobeniusNorm([[0, 0]])).toBe(0);
  });

  it("neither overflows nor underflows for extreme entries", () => {
    expect(frobeniusNorm([[3e200, 4e200]])).toBeCloseTo(5e200, -186);
    expect(frobeniusNorm([[3e-200, 4e-200]]) / 5e-200).toBeCloseTo(1, 14);
  });
});
