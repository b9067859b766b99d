/**
 * The run at a toy size (FC 784-16-16-10, 5 steps per run): the same seed gives the same
 * tables and metrics, an interrupt stops it with the abort reason and leaves no tfjs tensor
 * behind; and the derivation of curves, d_int90 and metrics from the runs table.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../compute/backend.js";
import { liveTensors } from "../../compute/memory.js";
import { rng } from "../../compute/rng.js";
import { resolvePlan } from "../../run/plan.js";
import { createRunContext } from "../context.js";
import { netInfos } from "./nets.js";
import type { IntrinsicDimensionParams } from "./params.js";
import { run } from "./run.js";
import { curveRows, dintRows, metricsOf, type RunRow } from "./tables.js";

const planned = (params: Record<string, unknown>) =>
  resolvePlan("intrinsic-dimension", { preset: "quick", params }).params as unknown as IntrinsicDimensionParams;

const tiny = planned({
  hidden: 16, dims: [100, 200], seeds: 1, widths: [16], widthDims: [100], compareWidth: 16, compareDims: [100],
  trainSize: 200, valSize: 100, steps: 5, directSteps: 5, batch: 32, bootstrap: 10,
});

describe("intrinsic-dimension run", () => {
  beforeAll(async () => {
    await initBackend();
  });

  it("gives the same tables and metrics for the same seed", async () => {
    const a = await run(tiny, createRunContext({ seed: 3 }));
    const b = await run(tiny, createRunContext({ seed: 3 }));
    expect(b.metrics).toEqual(a.metrics);
    const timings = ["seconds", "msPerStep"];
    for (const name of Object.keys(a.tables)) {
      const keep = a.tables[name].columnNames().filter((c) => !timings.includes(c));
      expect(b.tables[name].select(keep).objects(), name).toEqual(a.tables[name].select(keep).objects());
    }
  });

  it("stops with the abort reason when interrupted mid-training, and frees its tensors", async () => {
    const before = liveTensors();
    const controller = new AbortController();
    const reason = new Error("interrupted by the test");
    const progress = (done: number) => {
      if (done > 0) controller.abort(reason);
    };
    await expect(run(tiny, createRunContext({ seed: 3, progress, signal: controller.signal }))).rejects.toBe(reason);
    expect(liveTensors()).toBe(before);
  });
});

describe("curves, d_int90 and metrics from the runs table", () => {
  // The paper's FC net swept at six d with two runs each; the mean curve crosses 90% at d = 900.
  const p = planned({ hidden: 200, dims: [200, 400, 750, 1500, 3000, 6000], widths: [200], compareWidth: 200, compareDims: [200], projection: "fastfood" });
  const nets = netInfos(p);
  const base = { net: "fc-200x2", label: "FC 784-200-200-10", D: 199210, trainLoss: 0, probeAcc: 0, probeAccEnd: 0, seconds: 0, msPerStep: 0, stacked: 1 };
  const acc = (d: number) => Math.min(0.97, 0.9 + 0.1 * Math.log(d / 900));
  const runs: RunRow[] = [0, 1].flatMap((seed) => [
    { ...base, projection: "direct", d: 199210, seed, valAcc: 0.97 },
    ...p.dims.map((d) => ({ ...base, projection: "fastfood", d, seed, valAcc: acc(d) + (seed === 0 ? 0.005 : -0.005) })),
    { ...base, projection: "dense", d: 200, seed, valAcc: 0.5 },
  ]);

  it("averages the runs at every net × projection × d", () => {
    const curves = curveRows(nets, runs);
    expect(curves.map((c) => `${c.projection} ${c.d}`)).toEqual(["direct 199210", ...p.dims.map((d) => `fastfood ${d}`), "dense 200"]);
    const at750 = curves.find((c) => c.projection === "fastfood" && c.d === 750)!;
    expect(at750.meanAcc).toBeCloseTo(acc(750), 12);
    expect(at750.sdAcc).toBeCloseTo(0.01 / Math.SQRT2, 12);
    expect(at750.runs).toBe(2);
  });

  it("finds both d_int90, one row per definition, and writes them as metrics", () => {
    const dint = dintRows(p, nets, runs, rng(0));
    expect(dint.map((x) => x.definition)).toEqual(["absolute", "relative"]);
    const [abs, rel] = dint;
    expect(abs.dint90).toBeCloseTo(900, 6);
    expect(abs.threshold).toBe(0.9);
    expect(rel.threshold).toBeCloseTo(0.9 * 0.97, 12);
    expect(rel.dint90).toBeLessThan(abs.dint90);
    expect(abs.lo).toBeLessThanOrEqual(abs.dint90);
    expect(abs.hi).toBeGreaterThanOrEqual(abs.dint90);
    expect(metricsOf(nets, dint, runs.length)).toEqual({
      "fc.dint90.absolute": abs.dint90, "fc.dint90.absoluteBootStd": abs.bootStd,
      "fc.dint90.relative": rel.dint90, "fc.dint90.relativeBootStd": rel.bootStd,
      "fc.paramCount": 199210, "fc.directAcc": 0.97, runs: runs.length,
    });
  });
});
