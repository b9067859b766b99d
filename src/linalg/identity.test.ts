import { describe, expect, it } from "vitest";
import { UsageError } from "../compute/usageError.js";
import { identity, toArrays } from "./index.js";

describe("identity", () => {
  it("has ones on the diagonal and zeros elsewhere", () => {
    expect(toArrays(identity(3))).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(identity(0).data.length).toBe(0);
  });

  it("rejects a size that is not a non-negative integer", () => {
    expect(() => identity(-1)).toThrow(UsageError);
    expect(() => identity(2.5)).toThrow(/n must be an integer/);
  });
});
