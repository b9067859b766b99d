import { describe, expect, it } from "vitest";
import { orthogonalityError } from "./index.js";

describe("orthogonalityError", () => {
  it("is zero for orthonormal columns and measures the worst deviation otherwise", () => {
    expect(orthogonalityError([[1, 0], [0, 1], [0, 0]])).toBe(0);
    expect(orthogonalityError([[1, 0.1], [0, 1]])).toBeCloseTo(0.1, 15);
  });
});
