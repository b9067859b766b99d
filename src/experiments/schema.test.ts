import { describe, expect, it } from "vitest";
import { UsageError } from "../compute/usageError.js";
import { describeParams, resolveParams, type Schema } from "./schema.js";

interface P {
  k: number;
  eta: number;
  alphas: number[];
  symmetric: boolean;
  method: string;
}
const schema: Schema<P> = {
  k: { type: "int", default: 2, min: 1, max: 10, help: "rank k" },
  eta: { type: "number", default: 0.1, min: 0, help: "step size η" },
  alphas: { type: "number[]", default: [0.1], min: 0, help: "init scales α" },
  symmetric: { type: "boolean", default: true, help: "symmetric" },
  method: { type: "choice", default: "gd", choices: ["gd", "one-step"], help: "method" },
};

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("resolveParams", () => {
  it("applies defaults, then the preset, then overrides, parsing CLI strings", () => {
    const p = resolveParams("x", schema, { k: 3 }, { eta: "0.5", alphas: "0.1,0.01", symmetric: "false", method: "one-step" });
    expect(p).toEqual({ k: 3, eta: 0.5, alphas: [0.1, 0.01], symmetric: false, method: "one-step" });
  });

  it("rejects an unknown key and lists the known ones", () => {
    expect(message(() => resolveParams("x", schema, { kk: 1 }))).toBe("unknown parameter 'kk' for x; known: k, eta, alphas, symmetric, method");
  });

  it("rejects out-of-range and non-integer values naming the parameter and the range", () => {
    expect(message(() => resolveParams("x", schema, { k: "11" }))).toBe("parameter k=11 is out of range; allowed: an integer >= 1 and <= 10");
    expect(message(() => resolveParams("x", schema, { k: 2.5 }))).toMatch(/^parameter k=2.5 is out of range/);
    expect(message(() => resolveParams("x", schema, { alphas: "0.1,-1" }))).toMatch(/^parameter alphas=0.1,-1 is out of range/);
  });

  it("rejects values of the wrong type", () => {
    expect(message(() => resolveParams("x", schema, { eta: "fast" }))).toBe("parameter eta=fast has the wrong type; allowed: a number >= 0");
    expect(message(() => resolveParams("x", schema, { symmetric: "yes" }))).toMatch(/true or false/);
    expect(message(() => resolveParams("x", schema, { method: "adam" }))).toBe("parameter method=adam is not allowed; allowed: one of gd, one-step");
    expect(message(() => resolveParams("x", schema, { alphas: "" }))).toMatch(/comma-separated list/);
  });

  it("describes params for `list --json`", () => {
    expect(describeParams(schema)[0]).toEqual({ name: "k", type: "int", default: 2, min: 1, max: 10, help: "rank k" });
    expect(describeParams(schema)[4]).toMatchObject({ name: "method", choices: ["gd", "one-step"] });
  });
});
