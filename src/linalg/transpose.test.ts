import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { randomMatrix, toArrays, transpose } from "./index.js";

describe("transpose", () => {
  it("swaps rows and columns", () => {
    expect(toArrays(transpose([[1, 2, 3], [4, 5, 6]]))).toEqual([[1, 4], [2, 5], [3, 6]]);
  });

  it("is its own inverse across block boundaries", () => {
    const A = randomMatrix(70, 33, rng(1));
    expect(transpose(transpose(A))).toEqual(A);
  });
});
