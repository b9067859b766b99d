/**
 * The run's loop through `ctx.checkpoint`: progress reaches the whole run's planned work, and an
 * interrupted run stops with the interrupt's reason. On the theory probe alone, which is small.
 */
import { describe, expect, it } from "vitest";
import { createRunContext } from "../context.js";
import { resolvePlan } from "../../run/plan.js";
import type { DoubleDescentParams } from "./params.js";
import { run } from "./run.js";

const theoryOnly = () => resolvePlan("double-descent", { preset: "quick", params: { probe: "theory", theoryTrials: 3 } }).params as unknown as DoubleDescentParams;

describe("double-descent run", () => {
  it("reports progress that only grows and ends at the total", async () => {
    const seen: Array<[number, number]> = [];
    const result = await run(theoryOnly(), createRunContext({ seed: 0, progress: (done, total) => seen.push([done, total]) }));
    expect(Object.keys(result.tables)).toEqual(["theory"]);
    expect(seen.length).toBeGreaterThan(0);
    const [done, total] = seen[seen.length - 1];
    expect(done).toBe(total);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
  });

  it("stops with the abort reason when interrupted", async () => {
    const controller = new AbortController();
    const reason = new Error("interrupted");
    controller.abort(reason);
    await expect(run(theoryOnly(), createRunContext({ seed: 0, signal: controller.signal }))).rejects.toBe(reason);
  });
});
