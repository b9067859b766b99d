/**
 * Every preset of every experiment resolves: schema ranges and cross-field constraints hold, so a
 * `full` run is refused for nothing but time. The tfjs experiments have a `full` preset sized for
 * one GPU and a cost model the CLI's time estimate reads; the estimate grows with the preset.
 */
import { describe, expect, it } from "vitest";
import { experiments, resolvePlan } from "../src/index.js";
import type { Cost, Experiment } from "../src/experiments/types.js";

const gpuSized = ["intrinsic-dimension", "double-descent", "attention-rank", "lora-spectra"];
const total = (c: Cost) => c.tensorFlops + c.tensorOps + c.cpuFlops;

describe("presets", () => {
  for (const e of experiments as Experiment[]) {
    for (const preset of Object.keys(e.presets)) {
      it(`${e.name} --preset ${preset} passes the schema and the constraints`, () => {
        expect(() => resolvePlan(e.name, { preset })).not.toThrow();
      });
    }
  }

  for (const name of gpuSized) {
    it(`${name} has a full preset and counts more work for it than for paper and quick`, () => {
      const e = experiments.find((x) => x.name === name) as Experiment;
      expect(Object.keys(e.presets)).toContain("full");
      expect(e.cost).toBeTypeOf("function");
      const [quick, paper, full] = ["quick", "paper", "full"].map((preset) => e.cost!(resolvePlan(name, { preset }).params));
      for (const c of [quick, paper, full]) {
        for (const v of Object.values(c)) expect(Number.isFinite(v) && v >= 0).toBe(true);
      }
      expect(total(paper)).toBeGreaterThan(total(quick));
      expect(total(full)).toBeGreaterThan(total(paper));
    });
  }

  it("intrinsic-dimension full trains for the paper's length at its batch and step size, d grids through 750 and 290", () => {
    const p = resolvePlan("intrinsic-dimension", { preset: "full" }).params as Record<string, unknown>;
    expect(p).toMatchObject({ steps: 47_000, batch: 128, lr: 1e-3, hidden: 200, depth: 2, lenet: true, lenetWidth: 1 });
    expect(p.dims).toContain(750);
    expect(p.lenetDims).toContain(290);
  });

  it("double-descent full uses every shipped digit: n + m = 10,000", () => {
    const p = resolvePlan("double-descent", { preset: "full" }).params as { n: number; m: number };
    expect(p.n + p.m).toBe(10_000);
  });
});
