import { describe, expect, it } from "vitest";
import { UsageError } from "../compute/usageError.js";
import { MAX_POINTS_WITHOUT_YES, parseGridArg, parseGridArgs } from "./grid.js";

const allowed = ["k", "eta", "mode", "seed"];

describe("--grid key=values", () => {
  it("reads lists, integer ranges, and linear or log ranges with a count", () => {
    expect(parseGridArg("k=3,4, 5", allowed)).toEqual(["k", [3, 4, 5]]);
    expect(parseGridArg("mode=a,true,1e-2", allowed)).toEqual(["mode", ["a", true, 0.01]]);
    expect(parseGridArg("seed=0..3", allowed)).toEqual(["seed", [0, 1, 2, 3]]);
    expect(parseGridArg("seed=-1..1", allowed)).toEqual(["seed", [-1, 0, 1]]);
    expect(parseGridArg("eta=1e-3..1e-1:log:3", allowed)).toEqual(["eta", [0.001, 0.01, 0.1]]);
    expect(parseGridArg("eta=1e-3..1e-1:log:5", allowed)[1]).toEqual([0.001, 0.00316227766017, 0.01, 0.0316227766017, 0.1]);
    expect(parseGridArg("eta=0..1:lin:5", allowed)).toEqual(["eta", [0, 0.25, 0.5, 0.75, 1]]);
    expect(parseGridArg("eta=0.5", allowed)).toEqual(["eta", [0.5]]);
  });

  it("names the argument and what is allowed for every bad one", () => {
    const bad: Array<[string, RegExp]> = [
      ["k", /--grid k is not key=values; allowed: key=v1,v2/],
      ["=1,2", /is not key=values/],
      ["q=1", /--grid q=1: unknown key 'q'; allowed: k, eta, mode, seed/],
      ["k=", /--grid k=: empty value in the list/],
      ["k=1,,2", /empty value in the list/],
      ["k=3..1", /a\.\.b needs integers a <= b/],
      ["k=1.5..3", /a\.\.b needs integers a <= b/],
      ["k=1..x", /'x' is not a number/],
      ["eta=1..2:log:1", /the count '1' is not allowed; allowed: an integer from 2 to 1000000/],
      ["eta=1..2:lin:x", /the count 'x' is not allowed/],
      ["eta=0..1:log:3", /a log range needs a > 0 and b > 0/],
      ["seed=0..2000000", /2000001 values is too many/],
    ];
    for (const [arg, pattern] of bad) {
      expect(() => parseGridArg(arg, allowed), arg).toThrow(UsageError);
      expect(() => parseGridArg(arg, allowed), arg).toThrow(pattern);
    }
  });

  it("refuses a key given twice, and more points than the limit without yes", () => {
    expect(parseGridArgs(["k=1,2", "seed=0..2"], allowed)).toEqual({ k: [1, 2], seed: [0, 1, 2] });
    expect(() => parseGridArgs(["k=1", "k=2"], allowed)).toThrow(/key 'k' is given twice/);
    const many = [`seed=1..${MAX_POINTS_WITHOUT_YES}`, "k=1,2"];
    expect(() => parseGridArgs(many, allowed)).toThrow(`the grid has ${2 * MAX_POINTS_WITHOUT_YES} points; allowed: at most ${MAX_POINTS_WITHOUT_YES} without --yes`);
    expect(Object.keys(parseGridArgs(many, allowed, true))).toEqual(["seed", "k"]);
  });
});
