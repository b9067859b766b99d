import { describe, expect, it } from "vitest";
import { UsageError } from "../compute/usageError.js";
import { fromSvd, toArrays } from "./index.js";

describe("fromSvd", () => {
  it("multiplies U diag(S) Vᵀ", () => {
    const A = fromSvd({ U: [[1, 0], [0, 1], [0, 0]], S: [2, 3], V: [[0, 1], [1, 0]] });
    expect(toArrays(A)).toEqual([[0, 2], [3, 0], [0, 0]]);
  });

  it("needs one column of U and V per value", () => {
    expect(() => fromSvd({ U: [[1, 0]], S: [1], V: [[1]] })).toThrow(UsageError);
  });
});
