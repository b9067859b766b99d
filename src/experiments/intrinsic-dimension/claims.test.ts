/**
 * The quick preset (FC 784-32-32-10, widths 16, 32, 64, projections compared on FC 784-16-16-10,
 * 50 steps, no LeNet) through the real runner at seeds 0 and 1, checked against the claims it
 * makes; then, for every claim, the same run with its evidence edited to contradict it, where the
 * claim must fail; then the cross-field checks, which refuse a plan before anything runs.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { beforeAll, describe, expect, it } from "vitest";
import { claimOn, editTable, expectFiniteMetrics, quickRun, rejudge } from "../../../test/fixtures/runs.js";
import { UsageError } from "../../compute/usageError.js";
import type { RunRecord } from "../../report/record.js";
import { resolvePlan } from "../../run/plan.js";
import type { Result } from "../types.js";
import { WIDTH_MIN_STEPS } from "./claims.js";
import type { DIntRow, RunRow } from "./tables.js";
import { rowsOf } from "../rows.js";

const LONG = 600_000; // a quick run takes ~20 s of CPU, several times that on a shared machine

// At quick scale the tiny nets never reach 90% accuracy, so the quick preset checks the claims'
// shape with the relative d_int90; the FC-vs-750 band, LeNet and the plateau are claims of the
// paper preset, and the width claim needs at least WIDTH_MIN_STEPS steps (50 here).
const QUICK_CLAIMS = ["accuracy-monotone-in-d", "projections-agree"];

/** A table with each row replaced by `edit(row)`. */
const editRows = <R extends object>(edit: (row: R) => R) => (t: ColumnTable) => aq.from(rowsOf<R>(t).map(edit));

for (const seed of [0, 1]) {
  describe(`intrinsic-dimension quick preset, seed ${seed} (Li et al. 2018, Figure 2, §3.1, §S6)`, () => {
    let record: RunRecord;
    beforeAll(async () => {
      record = await quickRun("intrinsic-dimension", seed);
    }, LONG);

    it("holds every claim it makes: a monotone curve and projections agreeing", () => {
      expect(record.claims.map((c) => c.id).sort()).toEqual(QUICK_CLAIMS);
      expect(record.claims.filter((c) => !c.holds).map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);
    });

    it("measures both d_int90 definitions for every swept net, reports only finite metrics, and draws every figure", () => {
      const dint = rowsOf<DIntRow>(record.result.tables.dint);
      for (const net of ["fc-16x2", "fc-32x2", "fc-64x2"]) {
        expect(dint.filter((x) => x.net === net).map((x) => x.definition).sort(), net).toEqual(["absolute", "relative"]);
      }
      expectFiniteMetrics(record.metrics);
      // At 50 steps a curve may end just below its threshold (then its d_int90 is left out of the
      // metrics); every one reported is a d of the grid's range.
      const dints = Object.entries(record.metrics).filter(([k]) => /\.dint90\.(absolute|relative)$/.test(k));
      for (const [k, v] of dints) expect(v, k).toBeGreaterThanOrEqual(100);
      expect(record.metrics["fc.paramCount"]).toBe(26506);
      expect(record.figures.map((f) => f.id)).toEqual(["accuracy-vs-d", "dint90-vs-width", "projections"]);
    });
  });
}

describe("intrinsic-dimension claims fail when their evidence says otherwise (seed 0)", () => {
  let record: RunRecord;
  beforeAll(async () => {
    record = await quickRun("intrinsic-dimension", 0);
  }, LONG);

  const withRuns = (edit: (r: RunRow) => RunRow) => editTable(record.result, "runs", editRows(edit));
  const withDint = (result: Result, edit: (x: DIntRow) => DIntRow) => editTable(result, "dint", editRows(edit));
  const dintOf = (net: string, definition: string) => rowsOf<DIntRow>(record.result.tables.dint).find((x) => x.net === net && x.definition === definition)!;

  it("accuracy-monotone-in-d fails when the main net's accuracy collapses at the largest d", () => {
    const edited = withRuns((r) => (r.net === "fc-32x2" && r.projection === "fastfood" && r.d === 1600 ? { ...r, valAcc: 0.1 } : r));
    expect(claimOn(record, edited, "accuracy-monotone-in-d").holds).toBe(false);
  });

  // The comparison is a claim about the paper's FC 784-200-200-10 only: judged with hidden = 200,
  // the quick main net's d_int90 rows stand in for that net's, with the absolute row set to a
  // d_int90 and bootstrap sd. 2059 ± 117 is what the paper preset measured at seed 0 (README).
  it("fc-dint90-near-paper holds for 800 ± 50, and fails for 2059 ± 117, for 500 ± 20, and when 90% is never reached", () => {
    const params = { ...record.params, hidden: 200 };
    const asPaperNet = (dint90: number, bootStd: number) =>
      withDint(record.result, (x) => (x.net === "fc-32x2" ? { ...x, net: "fc-200x2", ...(x.definition === "absolute" ? { dint90, bootMean: dint90, bootStd } : {}) } : x));
    expect(claimOn(record, asPaperNet(800, 50), "fc-dint90-near-paper", params).holds).toBe(true);
    // |2059 − 750| = 1309 against 2·√(66² + 117²) ≈ 269.
    const far = claimOn(record, asPaperNet(2059, 117), "fc-dint90-near-paper", params);
    expect(far.holds).toBe(false);
    expect(far.evidence).toMatch(/ours − paper = \+1309 .*allowed ±269/);
    // Below: |500 − 750| = 250 against 2·√(66² + 20²) ≈ 138.
    expect(claimOn(record, asPaperNet(500, 20), "fc-dint90-near-paper", params).holds).toBe(false);
    expect(claimOn(record, asPaperNet(NaN, NaN), "fc-dint90-near-paper", params).holds).toBe(false);
  });

  // Judged with lenet = true, a LeNet row is added to the dint table, below or above the FC net's.
  it("lenet-below-fc holds when LeNet's d_int90 is below the FC net's and fails when it is above", () => {
    const params = { ...record.params, lenet: true };
    const fc = dintOf("fc-32x2", "relative");
    const withLenet = (dint90: number) =>
      editTable(record.result, "dint", (t) => aq.from([...rowsOf<DIntRow>(t), { ...fc, net: "lenet", label: "LeNet", D: 44426, dint90 }]));
    expect(claimOn(record, withLenet(fc.dint90 / 2), "lenet-below-fc", params).holds).toBe(true);
    expect(claimOn(record, withLenet(fc.dint90 * 2), "lenet-below-fc", params).holds).toBe(false);
  });

  // Judged as if every run had trained WIDTH_MIN_STEPS steps, the width claim is made; the rows
  // are set to a flat d_int90, to one width at 3× another, and to one width never crossing.
  it("dint90-flat-in-width holds for equal d_int90 and fails when the widest net's is 3× the narrowest's, and when a width never crosses", () => {
    const params = { ...record.params, steps: WIDTH_MIN_STEPS };
    expect(rejudge(record, record.result).map((c) => c.id)).not.toContain("dint90-flat-in-width");
    const setWidths = (v: (net: string) => number) => withDint(record.result, (x) => (x.definition === "relative" ? { ...x, dint90: v(x.net) } : x));
    expect(claimOn(record, setWidths(() => 500), "dint90-flat-in-width", params).holds).toBe(true);
    expect(claimOn(record, setWidths((net) => (net === "fc-64x2" ? 1500 : 500)), "dint90-flat-in-width", params).holds).toBe(false);
    expect(claimOn(record, setWidths((net) => (net === "fc-64x2" ? NaN : 500)), "dint90-flat-in-width", params).holds).toBe(false);
  });

  it("projections-agree fails when sparse P trains far worse than dense P at d = 100", () => {
    const edited = withRuns((r) => (r.net === "fc-16x2" && r.projection === "sparse" && r.d === 100 ? { ...r, valAcc: 0.1 } : r));
    expect(claimOn(record, edited, "projections-agree").holds).toBe(false);
  });

  // Judged with hidden = 200, the quick main net's runs stand in for the paper's FC net, with the
  // probe accuracy after 80% of the steps set `rise` below the final one.
  it("plateau-at-crossing (a sanity check) holds when accuracy has levelled off and fails when it still rose by 0.05 over the last 20% of steps", () => {
    const params = { ...record.params, hidden: 200 };
    const asPaperNet = (rise: number) => {
      const runs = editTable(record.result, "runs", editRows<RunRow>((r) => (r.net === "fc-32x2" ? { ...r, net: "fc-200x2", probeAcc: r.probeAccEnd - rise } : r)));
      return editTable(runs, "dint", editRows<DIntRow>((x) => (x.net === "fc-32x2" ? { ...x, net: "fc-200x2" } : x)));
    };
    const flat = claimOn(record, asPaperNet(0.002), "plateau-at-crossing", params);
    expect(flat.kind).toBe("sanity");
    expect(flat.holds).toBe(true);
    const climbing = claimOn(record, asPaperNet(0.05), "plateau-at-crossing", params);
    expect(climbing.holds).toBe(false);
    expect(climbing.evidence).toMatch(/\+0\.0500/);
  });

  it("gives the paper's number or finding beside every paper claim, at quick and at the paper nets", () => {
    const all = [...record.claims, ...rejudge(record, record.result, { ...record.params, hidden: 200, lenet: true })];
    expect(all.filter((c) => c.kind !== "sanity" && !c.paper).map((c) => c.id)).toEqual([]);
  });

  it("judged again from its tables and params alone, the run gives the same verdicts and evidence", () => {
    expect(rejudge(record, record.result)).toEqual([...record.claims]);
  });
});

describe("intrinsic-dimension plans", () => {
  const plan = (params: Record<string, unknown>) => () => resolvePlan("intrinsic-dimension", { preset: "quick", params });

  it("refuses, before running, a d larger than its net's D, naming the d-list and the fields that size the net", () => {
    expect(plan({ dims: [100, 30000] })).toThrow(UsageError);
    expect(plan({ dims: [100, 30000] })).toThrow(/dims has d=30000 but FC 784-32-32-10 \(hidden=32, depth=2\) has only D=26506 weights; allowed: d <= 26506/);
    expect(plan({ widthDims: [100, 20000] })).toThrow(/widthDims has d=20000 but FC 784-16-16-10 \(widths=16,32,64, depth=2\)/);
    expect(plan({ lenet: true, lenetDims: [100, 50000] })).toThrow(/lenetDims has d=50000 but LeNet \(lenetWidth=1\) has only D=44426/);
  });

  it("refuses a dense P over 1 GiB, naming the fields and the largest d allowed", () => {
    expect(plan({ compareWidth: 200, compareDims: [2000] })).toThrow(UsageError);
    expect(plan({ compareWidth: 200, compareDims: [2000] })).toThrow(/compareDims has d=2000, where a dense P for FC 784-200-200-10 \(compareWidth=200, depth=2\) needs 1\.5 GiB; allowed: .*d <= 1347$/);
    expect(plan({ projection: "dense", hidden: 200, dims: [100, 3000] })).toThrow(/dims has d=3000, .*or projection=fastfood/);
  });

  it("accepts the presets", () => {
    expect(plan({})).not.toThrow();
    expect(() => resolvePlan("intrinsic-dimension", { preset: "paper" })).not.toThrow();
  });
});
