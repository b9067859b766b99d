import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import { orthogonalityError, randomOrthonormal } from "./index.js";

describe("randomOrthonormal", () => {
  it("has orthonormal columns", () => {
    const Q = randomOrthonormal(60, 25, rng(1));
    expect([Q.rows, Q.cols]).toEqual([60, 25]);
    expect(orthogonalityError(Q)).toBeLessThan(1e-14);
  });

  it("is uniform in sign: first entries are positive about half the time", () => {
    const r = rng(2);
    let positive = 0;
    for (let t = 0; t < 400; t++) if (randomOrthonormal(3, 3, r).data[0] > 0) positive++;
    expect(positive).toBeGreaterThan(150);
    expect(positive).toBeLessThan(250);
  });

  it("refuses more columns than dimensions", () => {
    expect(() => randomOrthonormal(3, 4, rng(3))).toThrow(UsageError);
  });
});
