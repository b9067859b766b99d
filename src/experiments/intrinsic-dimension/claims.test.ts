import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../../compute/backend.js";
import { rng } from "../../compute/rng.js";
import { UsageError } from "../../compute/usageError.js";
import { resolveParams } from "../schema.js";
import { claims } from "./claims.js";
import { intrinsicDimension } from "./index.js";
import type { IntrinsicDimensionParams } from "./params.js";
import { summarise, type IntrinsicDimensionResult, type RunRow } from "./run.js";

const resolve = (preset: string, over: Partial<IntrinsicDimensionParams> = {}) =>
  resolveParams<IntrinsicDimensionParams>("intrinsic-dimension", intrinsicDimension.params, intrinsicDimension.presets[preset], over);
const quick = resolve("quick");
const runs = new Map<number, { r: IntrinsicDimensionResult; leaked: number }>();

/** Each seed's quick run, computed once and shared by the tests that read it. */
async function runQuick(seed: number) {
  if (!runs.has(seed)) {
    const before = tf.memory().numTensors;
    const r = await intrinsicDimension.run(quick, { seed, rng: rng(seed), progress: () => {} });
    runs.set(seed, { r, leaked: tf.memory().numTensors - before });
  }
  return runs.get(seed)!;
}

beforeAll(async () => {
  await initBackend();
});

describe("intrinsic-dimension quick preset (Li et al. 2018, Figure 2 and §3.1)", () => {
  // At quick scale the tiny nets never reach 90% accuracy, so the quick preset checks the claims'
  // shape with the relative d_int90; the FC-vs-750 band and LeNet are checked by the paper preset.
  for (const seed of [0, 1]) {
    it(`holds every claim it makes (monotone curve of Figure 2, flat d_int90 across widths, projections agreeing) with seed ${seed}`, async () => {
      const { r } = await runQuick(seed);
      const cs = intrinsicDimension.claims(r, quick);
      expect(cs.map((c) => c.id).sort()).toEqual(["accuracy-monotone-in-d", "dint90-flat-in-width", "projections-agree"]);
      expect(cs.filter((c) => !c.holds).map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);
    });
  }

  it("frees every tensor, and reports long tables, both d_int90 definitions and finite metrics", async () => {
    const { r, leaked } = await runQuick(0);
    expect(leaked).toBe(0);
    expect(r.tables.runs.numRows()).toBe(r.rows.length);
    expect(r.tables.runs.columnNames()).toEqual(["net", "label", "D", "projection", "d", "seed", "valAcc", "trainLoss", "seconds", "msPerStep", "stacked"]);
    const defs = r.tables.dint.array("definition") as string[];
    expect(new Set(defs)).toEqual(new Set(["absolute", "relative"]));
    for (const [key, value] of Object.entries(r.metrics)) expect(Number.isFinite(value), key).toBe(true);
    expect(r.metrics.fc_dint90_relative).toBeGreaterThan(0);
    expect(intrinsicDimension.figures(r, quick).map((f) => f.id)).toEqual(["accuracy-vs-d", "dint90-vs-width", "projections"]);
  });
});

describe("intrinsic-dimension claims can fail", () => {
  /** Rows of a made-up sweep of the paper's FC net whose 90% crossing sits at d = `at`. */
  function fakeRows(at: number): RunRow[] {
    const rows: RunRow[] = [];
    const base = { label: "", D: 199210, seconds: 0, msPerStep: 0, stacked: 1, trainLoss: 0 };
    const acc = (d: number) => Math.min(0.97, 0.9 + 0.1 * Math.log(d / at));
    for (const seed of [0, 1]) {
      rows.push({ ...base, net: "fc-200x2", projection: "direct", d: 199210, seed, valAcc: 0.97 });
      for (const d of [200, 400, 750, 1500, 3000, 6000]) rows.push({ ...base, net: "fc-200x2", projection: "fastfood", d, seed, valAcc: acc(d) });
    }
    return rows;
  }
  const p = resolve("paper", { lenet: false, widths: [200], dims: [200, 400, 750, 1500, 3000, 6000], compareWidth: 200, compareDims: [200] });
  const bandClaim = (at: number) => {
    const rows = fakeRows(at);
    for (const kind of ["dense", "sparse"]) for (const seed of [0, 1]) rows.push({ ...rows[0], projection: kind, d: 200, seed, valAcc: 0.5 });
    return claims(summarise(p, rows, { rng: rng(0) }), p).find((c) => c.id === "fc-dint90-near-paper")!;
  };

  it("the FC band holds for a crossing at 900 and fails for one at 5000", () => {
    expect(bandClaim(900).holds).toBe(true);
    expect(bandClaim(5000).holds).toBe(false);
  });
});

describe("intrinsic-dimension parameters", () => {
  it("rejects a d larger than a network's D, and a dense P over 1 GiB, naming the parameter", async () => {
    const ctx = { seed: 0, rng: rng(0), progress: () => {} };
    await expect(intrinsicDimension.run({ ...quick, dims: [100, 30000] }, ctx)).rejects.toThrow(UsageError);
    await expect(intrinsicDimension.run({ ...quick, dims: [100, 30000] }, ctx)).rejects.toThrow(/dims.*d=30000/);
    await expect(intrinsicDimension.run({ ...quick, compareWidth: 200, compareDims: [2000] }, ctx)).rejects.toThrow(/compareDims.*GiB/);
  });
});
