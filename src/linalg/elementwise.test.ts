import { describe, expect, it } from "vitest";
import { UsageError } from "../compute/usageError.js";
import { add, scale, sub, toArrays } from "./index.js";

describe("add, sub and scale", () => {
  it("work entry by entry", () => {
    expect(toArrays(add([[1, 2]], [[3, 4]]))).toEqual([[4, 6]]);
    expect(toArrays(sub([[1, 2]], [[3, 4]]))).toEqual([[-2, -2]]);
    expect(toArrays(scale([[1, -2]], 3))).toEqual([[3, -6]]);
  });

  it("name both shapes when they differ", () => {
    expect(() => add([[1, 2]], [[1], [2]])).toThrow(UsageError);
    expect(() => sub([[1, 2]], [[1, 2, 3]])).toThrow("A is [1, 2] but B is [1, 3]");
  });
});
