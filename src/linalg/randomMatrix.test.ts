import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import { randomMatrix } from "./index.js";

describe("randomMatrix", () => {
  it("is reproducible from the seed and has the requested shape", () => {
    const A = randomMatrix(4, 5, rng(7)), B = randomMatrix(4, 5, rng(7));
    expect([A.rows, A.cols, A.data.length]).toEqual([4, 5, 20]);
    expect(A).toEqual(B);
  });

  it("draws standard normal entries scaled by std", () => {
    const { data } = randomMatrix(200, 200, rng(8), 3);
    let mean = 0, sq = 0;
    for (const x of data) { mean += x; sq += x * x; }
    mean /= data.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.sqrt(sq / data.length)).toBeCloseTo(3, 1);
  });

  it("rejects shapes that are not non-negative integers", () => {
    expect(() => randomMatrix(-1, 2, rng(1))).toThrow(UsageError);
  });
});
