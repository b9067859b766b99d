import * as aq from "arquero";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../compute/usageError.js";
import type { Experiment } from "../experiments/types.js";
import { describeOverrides, planJSON, resolvePlan } from "./plan.js";
import { runPlan } from "./runner.js";

interface ToyParams { r: number; k: number; T: number }

/** A tiny experiment with one cross-field constraint and a claim that reads its table. */
function toy() {
  let runs = 0;
  const experiment: Experiment<ToyParams, { curve: aq.ColumnTable }> = {
    name: "toy",
    title: "Toy",
    description: "k > r",
    papers: [],
    params: {
      r: { type: "int", default: 1, min: 1, max: 10, help: "rank" },
      k: { type: "int", default: 2, min: 1, max: 10, help: "width" },
      T: { type: "int", default: 3, min: 1, max: 100, help: "steps" },
    },
    constraints: [(p) => (p.k > p.r ? undefined : `k=${p.k} must exceed r=${p.r}`)],
    presets: { paper: {}, quick: { T: 2 } },
    async run(p, ctx) {
      runs++;
      const step = Array.from({ length: p.T + 1 }, (_, t) => t);
      for (const t of step) await ctx.checkpoint(t, p.T);
      return { tables: { curve: aq.table({ step, loss: step.map((t) => 2 ** -t * ctx.rng.uniform()) }) }, metrics: { steps: p.T } };
    },
    figures: () => [],
    claims: (r) => [{ id: "decreases", statement: "loss falls", holds: r.tables.curve.array("loss").at(-1) < 1, evidence: "last loss" }],
  };
  return { experiment, runs: () => runs };
}

describe("resolvePlan", () => {
  it("resolves defaults, preset and overrides once into a frozen plan", () => {
    const { experiment } = toy();
    const plan = resolvePlan(experiment, { preset: "quick", params: { k: "4" }, seed: "7" });
    expect(plan.params).toEqual({ r: 1, k: 4, T: 2 });
    expect(plan.overrides).toEqual({ k: 4 });
    expect(plan.seed).toBe(7);
    expect(Object.isFrozen(plan) && Object.isFrozen(plan.params)).toBe(true);
    expect(planJSON(plan)).toEqual({ experiment: "toy", preset: "quick", overrides: { k: 4 }, params: { r: 1, k: 4, T: 2 }, seed: 7 });
  });

  it("checks the experiment's cross-field constraints as a UsageError naming the fields", () => {
    const { experiment } = toy();
    expect(() => resolvePlan(experiment, { params: { k: 2, r: 2 } })).toThrow(UsageError);
    expect(() => resolvePlan(experiment, { params: { k: 2, r: 2 } })).toThrow(/^toy: k=2 must exceed r=2$/);
  });

  it("rejects an unknown preset, parameter or seed", () => {
    const { experiment } = toy();
    expect(() => resolvePlan(experiment, { preset: "huge" })).toThrow(/unknown preset 'huge' for toy; available: paper, quick/);
    expect(() => resolvePlan(experiment, { params: { q: 1 } })).toThrow(/unknown parameter 'q'/);
    expect(() => resolvePlan(experiment, { seed: -1 })).toThrow(/seed -1 is not allowed/);
  });

  it("describes each override beside the value it replaced", () => {
    const { experiment } = toy();
    const plan = resolvePlan(experiment, { preset: "quick", params: { T: 9, k: 3 } });
    expect(describeOverrides(plan)).toEqual(["override T = 9 (preset quick: 2)", "override k = 3 (default: 2)"]);
  });
});

describe("runPlan with a cache", () => {
  it("reads a cached point back and judges it as the fresh run, without running again", async () => {
    const { experiment, runs } = toy();
    const dir = mkdtempSync(join(tmpdir(), "lowrank-plan-"));
    try {
      const plan = resolvePlan(experiment, { seed: 3 });
      const fresh = await runPlan(plan, { cache: dir });
      const cached = await runPlan(plan, { cache: dir });
      expect(runs()).toBe(1);
      expect([fresh.cached, cached.cached]).toEqual([false, true]);
      expect(cached.claims).toEqual(fresh.claims);
      expect(cached.result.tables.curve.objects()).toEqual(fresh.result.tables.curve.objects());
      await runPlan(plan, { cache: dir, force: true });
      expect(runs()).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps only tables and metrics of what a run returns", async () => {
    const { experiment } = toy();
    const extra = { ...experiment, run: async (p: ToyParams, ctx: Parameters<typeof experiment.run>[1]) => ({ ...(await experiment.run(p, ctx)), secret: 1 }) };
    const record = await runPlan(resolvePlan(extra));
    expect(Object.keys(record.result).sort()).toEqual(["metrics", "tables"]);
  });

  it("names the figures there are when asked for one that is not", async () => {
    const record = await runPlan(resolvePlan(toy().experiment));
    expect(() => record.figure("nope")).toThrow(/toy has no figure 'nope'; available: $/);
  });
});
