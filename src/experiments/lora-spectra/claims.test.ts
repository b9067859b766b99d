/**
 * The quick preset (a 2-layer, width-64 MLP; LoRA ranks 1, 4 and 32; frozen A at rank 1; one
 * replicate seed) through the real runner at seeds 0 and 1: the claims it judges at that size and
 * the learning-rate protocol; then, for every claim, the same run judged at the paper preset's
 * width (or pool) with its evidence edited to make it hold and to contradict it, where it must
 * fail; then the cross-field checks, which refuse a plan before anything runs.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { beforeAll, describe, expect, it } from "vitest";
import { claimOf, claimOn, editTable, expectFiniteMetrics, quickRun, rejudge } from "../../../test/fixtures/runs.js";
import { UsageError } from "../../compute/usageError.js";
import type { RunRecord } from "../../report/record.js";
import { resolvePlan } from "../../run/plan.js";
import type { Result } from "../types.js";
import type { LambdaRow, SeparationRow, VariantRow } from "./run.js";
import { rowsOf } from "../rows.js";

const LONG = 600_000; // a quick run takes ~12 s of CPU, several times that on a shared machine

/** The claims in the order they are reported, when judged at the paper preset's width. */
const CLAIM_IDS = [
  "pretrained-spectra-separated", "full-ft-no-intruders", "low-rank-lora-has-intruders", "alpha-2r-no-more-intruders",
  "lora-forgets-less", "intruders-track-forgetting", "lambda-scaling-reduces-forgetting", "frozen-A-fewer-intruders",
];
/** What the quick preset judges: its width-64 network is below judgedAtWidth, and its 9 models from 2 seeds below the correlation's pool. */
const QUICK_IDS = ["pretrained-spectra-separated", "full-ft-no-intruders"];

/** A table with each row replaced by `edit(row)`. */
const editRows = <R extends object>(edit: (row: R) => R) => (t: ColumnTable) => aq.from(rowsOf<R>(t).map(edit));

const variantsOf = (r: Result) => rowsOf<VariantRow>(r.tables.variants);
const variant = (r: Result, id: string) => {
  const v = variantsOf(r).find((x) => x.id === id);
  if (!v) throw new Error(`no variant '${id}'`);
  return v;
};
const lambdasOf = (r: Result) => rowsOf<LambdaRow>(r.tables.intervention);

for (const seed of [0, 1]) {
  describe(`lora-spectra quick preset, seed ${seed}`, () => {
    let record: RunRecord;
    beforeAll(async () => {
      record = await quickRun("lora-spectra", seed);
    }, LONG);

    it("reports the claims judged at quick size, and only finite metrics", () => {
      expect(record.claims.map((c) => c.id)).toEqual(QUICK_IDS);
      expectFiniteMetrics(record.metrics);
    });

    it("pretrains until the top singular values stand well apart (the precondition)", () => {
      const c = claimOf(record.claims, "pretrained-spectra-separated");
      expect(c.holds, c.evidence).toBe(true);
    });

    it("§4 ε sweep: full fine-tuning has no intruders", () => {
      const c = claimOf(record.claims, "full-ft-no-intruders");
      expect(c.holds, c.evidence).toBe(true);
    });

    it("runs the replicate seed and pools its models in the correlation", () => {
      const seeds = variantsOf(record.result).map((v) => v.seed);
      expect(new Set(seeds)).toEqual(new Set([0, 1]));
      expect(record.metrics["correlation.models"]).toBe(9);
      expect(record.metrics["correlation.lo"]).toBeLessThanOrEqual(record.metrics["correlation.rho"]);
      expect(record.metrics["correlation.hi"]).toBeGreaterThanOrEqual(record.metrics["correlation.rho"]);
    });

    it("trains each setting at the script's η times m: full FT 1e-5·m, LoRA r=1 3e-4·m, α = 8 at its rank's η", () => {
      const m = record.params.lrScale as number;
      expect(variant(record.result, "full").lr).toBeCloseTo(1e-5 * m, 12);
      expect(variant(record.result, "lora-r1-a2r").lr).toBeCloseTo(3e-4 * m, 12);
      expect(variant(record.result, "lora-r1-a8").lr).toBe(variant(record.result, "lora-r1-a2r").lr);
      // r = 8 is not a quick rank: η(r) runs through the script's r = 8 point, 1.5e-4, geometric in log r.
      expect(variant(record.result, "lora-r4-a2r").lr).toBeCloseTo(3e-4 * m * 0.5 ** (2 / 3), 12);
    });
  });
}

describe("lora-spectra claims fail when their evidence says otherwise (seed 0)", () => {
  let record: RunRecord;
  /** The quick run's params at the paper preset's width, where every claim but the correlation is judged. */
  let wide: Record<string, unknown>;
  beforeAll(async () => {
    record = await quickRun("lora-spectra", 0);
    wide = { ...record.params, hidden: 128 };
  }, LONG);

  /** The run with the variants table's row `id` edited. */
  const withVariant = (result: Result, id: string, edit: (v: VariantRow) => VariantRow) =>
    editTable(result, "variants", editRows<VariantRow>((v) => (v.id === id ? edit(v) : v)));

  it("judges every claim at the paper preset's width and with 30 models from 5 seeds, and none of the comparisons at quick size", () => {
    expect(rejudge(record, record.result, { ...wide, replicates: 12 }).map((c) => c.id)).toEqual(CLAIM_IDS);
    expect(rejudge(record, record.result, wide).map((c) => c.id)).toEqual(CLAIM_IDS.filter((id) => id !== "intruders-track-forgetting"));
  });

  it("pretrained-spectra-separated fails when one layer's gaps are no wider than at init", () => {
    const edited = editTable(record.result, "separation", editRows<SeparationRow>((s) => (s.layer === 1 ? { ...s, initMedianGap: s.medianGap } : s)));
    expect(claimOn(record, edited, "pretrained-spectra-separated").holds).toBe(false);
  });

  it("full-ft-no-intruders fails when full fine-tuning has 2 intruders", () => {
    expect(claimOn(record, withVariant(record.result, "full", (v) => ({ ...v, intruders: 2, intrudersByLayer: "1/1" })), "full-ft-no-intruders").holds).toBe(false);
  });

  it("low-rank-lora-has-intruders holds when r=1 has more intruders than full FT and r=32, and fails when r=1 has no more than full FT", () => {
    const full = variant(record.result, "full");
    const good = withVariant(withVariant(record.result, "lora-r1-a2r", (v) => ({ ...v, intruders: full.intruders + 2 })), "lora-r32-a2r", (v) => ({ ...v, intruders: full.intruders }));
    expect(claimOn(record, good, "low-rank-lora-has-intruders", wide).holds).toBe(true);
    const bad = withVariant(good, "lora-r1-a2r", (v) => ({ ...v, intruders: full.intruders }));
    expect(claimOn(record, bad, "low-rank-lora-has-intruders", wide).holds).toBe(false);
  });

  it("alpha-2r-no-more-intruders fails when α = 2r has more intruders than α = 8 at r = 32, ignores r = 1, and is not reported without a rank above 4", () => {
    const good = withVariant(withVariant(record.result, "lora-r32-a2r", (v) => ({ ...v, intruders: 1 })), "lora-r32-a8", (v) => ({ ...v, intruders: 2 }));
    expect(claimOn(record, good, "alpha-2r-no-more-intruders", wide).holds).toBe(true);
    expect(claimOn(record, withVariant(good, "lora-r32-a2r", (v) => ({ ...v, intruders: 3 })), "alpha-2r-no-more-intruders", wide).holds).toBe(false);
    // r = 1 is below the ranks the paper's direction covers: more intruders there change nothing.
    expect(claimOn(record, withVariant(good, "lora-r1-a2r", (v) => ({ ...v, intruders: 9 })), "alpha-2r-no-more-intruders", wide).holds).toBe(true);
    // Judged as a run of ranks 1 and 4 only, there is nothing to compare: the claim is not shown.
    const ids = rejudge(record, record.result, { ...wide, ranks: [1, 4] }).map((c) => c.id);
    expect(ids).not.toContain("alpha-2r-no-more-intruders");
    expect(ids).toContain("low-rank-lora-has-intruders");
  });

  it("lora-forgets-less holds when LoRA r=1 forgets less than full FT in both seeds, and fails when it forgets more in one", () => {
    const lessThanFull = (seed: number) => (v: VariantRow) => ({ ...v, forgetting: variant(record.result, seed ? `full-s${seed}` : "full").forgetting - 0.1 });
    const good = withVariant(withVariant(record.result, "lora-r1-a2r", lessThanFull(0)), "lora-r1-a2r-s1", lessThanFull(1));
    expect(claimOn(record, good, "lora-forgets-less", wide).holds).toBe(true);
    const bad = withVariant(good, "lora-r1-a2r-s1", (v) => ({ ...v, forgetting: variant(record.result, "full-s1").forgetting + 0.1 }));
    expect(claimOn(record, bad, "lora-forgets-less", wide).holds).toBe(false);
  });

  it("intruders-track-forgetting is judged by its interval: holds when the lower end is above 0, fails when it reaches 0 or below", () => {
    const pooled = { ...record.params, replicates: 12 }; // 7 + 12 × 2 = 31 models from 13 seeds
    const withInterval = (lo: number, hi: number) => editTable(record.result, "variants", (t) => t, { ...record.metrics, "correlation.rho": (lo + hi) / 2, "correlation.lo": lo, "correlation.hi": hi });
    expect(claimOn(record, withInterval(0.1, 0.8), "intruders-track-forgetting", pooled).holds).toBe(true);
    expect(claimOn(record, withInterval(-0.05, 0.8), "intruders-track-forgetting", pooled).holds).toBe(false);
    expect(claimOn(record, withInterval(0, 0.8), "intruders-track-forgetting", pooled).holds).toBe(false);
  });

  it("lambda-scaling-reduces-forgetting holds with accuracy kept and forgetting lowered, and fails when λ = 0.8 forgets more than λ = 1 or loses 3 points", () => {
    const base = lambdasOf(record.result).find((q) => q.lambda === 1)!;
    // Every λ in [0.7, 0.9] keeps λ = 1's accuracy and forgets less than it: the claim's case.
    const good = editTable(record.result, "intervention", editRows<LambdaRow>((q) =>
      (q.lambda >= 0.7 && q.lambda <= 0.9 ? { ...q, newAcc: base.newAcc, forgetting: base.forgetting - 0.1 } : q)));
    expect(claimOn(record, good, "lambda-scaling-reduces-forgetting", wide).holds).toBe(true);
    const worse = editTable(good, "intervention", editRows<LambdaRow>((q) => (q.lambda === 0.8 ? { ...q, forgetting: base.forgetting + 0.1 } : q)));
    expect(claimOn(record, worse, "lambda-scaling-reduces-forgetting", wide).holds).toBe(false);
    const costly = editTable(good, "intervention", editRows<LambdaRow>((q) => (q.lambda === 0.8 ? { ...q, newAcc: base.newAcc - 0.03 } : q)));
    expect(claimOn(record, costly, "lambda-scaling-reduces-forgetting", wide).holds).toBe(false);
  });

  it("frozen-A-fewer-intruders holds when frozen A has fewer intruders than trained A, and fails when it has as many", () => {
    const trained = variant(record.result, "lora-r1-a2r");
    const fewer = withVariant(withVariant(record.result, "lora-r1-a2r", (v) => ({ ...v, intruders: 2 })), "lora-r1-a2r-frozenA", (v) => ({ ...v, intruders: 1 }));
    expect(claimOn(record, fewer, "frozen-A-fewer-intruders", wide).holds).toBe(true);
    const edited = withVariant(record.result, "lora-r1-a2r-frozenA", (v) => ({ ...v, intruders: trained.intruders }));
    expect(claimOn(record, edited, "frozen-A-fewer-intruders", wide).holds).toBe(false);
  });
});

describe("lora-spectra plans", () => {
  const plan = (params: Record<string, unknown>) => () => resolvePlan("lora-spectra", { preset: "quick", params });

  it("refuses, before running, a rank above the smallest layer dimension, naming it", () => {
    expect(plan({ ranks: [1, 128] })).toThrow(UsageError);
    expect(plan({ ranks: [1, 128] })).toThrow(/rank r=128 \(ranks, frozenRanks\).*min\(hidden, side²\) = 64/);
  });

  it("refuses frozen-A ranks that are not among the ranks, repeated ranks, a side that does not pool evenly and k ≥ the smallest dimension", () => {
    expect(plan({ frozenRanks: [2, 3] })).toThrow(UsageError);
    expect(plan({ frozenRanks: [2, 3] })).toThrow(/frozenRanks=2,3 .*ranks=1,4,32/);
    expect(plan({ replicateRanks: [8] })).toThrow(/replicateRanks=8 .*ranks=1,4,32/);
    expect(plan({ ranks: [1, 4, 4] })).toThrow(/ranks=1,4,4 repeats a value/);
    expect(plan({ side: 10 })).toThrow(/side=10 /);
    expect(plan({ k: 64 })).toThrow(/k=64 .*hidden=64.*allowed: 1 to 63/);
  });

  it("accepts the presets", () => {
    expect(plan({})).not.toThrow();
    expect(() => resolvePlan("lora-spectra", { preset: "paper" })).not.toThrow();
  });
});
