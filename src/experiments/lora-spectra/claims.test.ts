/**
 * The quick preset (a 2-layer, width-64 MLP; LoRA ranks 1, 4 and 32; frozen A at rank 1) through
 * the real runner at seeds 0 and 1, checked against what the paper claims and this scale shows
 * reliably; then, for every claim, the same run with its evidence edited to contradict it, where
 * the claim must fail; then the cross-field checks, which refuse a plan before anything runs.
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

const LONG = 600_000; // a quick run takes ~10 s of CPU, several times that on a shared machine

const CLAIM_IDS = [
  "pretrained-spectra-separated", "full-ft-no-intruders", "low-rank-lora-has-intruders", "alpha-2r-no-more-intruders",
  "intruders-track-forgetting", "lambda-scaling-reduces-forgetting", "frozen-A-fewer-intruders",
];

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

    it("reports every claim, and only finite metrics", () => {
      expect(record.claims.map((c) => c.id)).toEqual(CLAIM_IDS);
      expectFiniteMetrics(record.metrics);
    });

    it("pretrains until the top singular values stand well apart (the precondition)", () => {
      const c = claimOf(record.claims, "pretrained-spectra-separated");
      expect(c.holds, c.evidence).toBe(true);
    });

    it("§4 ε sweep: full fine-tuning has no intruders, LoRA r=1 has more than full FT and than r=32", () => {
      for (const id of ["full-ft-no-intruders", "low-rank-lora-has-intruders"]) {
        const c = claimOf(record.claims, id);
        expect(c.holds, `${id}: ${c.evidence}`).toBe(true);
      }
    });

    // Only ranks above 4 are compared (README): of the quick ranks 1, 4, 32 that is r = 32.
    it("§4.1: α = 2r gives no more intruders than α = 8 at every rank above 4 (r = 32)", () => {
      const c = claimOf(record.claims, "alpha-2r-no-more-intruders");
      expect(c.holds, c.evidence).toBe(true);
      expect(c.evidence).toMatch(/^r=32: /);
    });

    // With 7 models the permutation test has little power (p ≈ 0.05–0.25 across seeds), so the
    // quick preset checks only the sign of ρ; the paper preset's 14 models test significance.
    it("Fig. 7: intruder count and forgetting are positively rank-correlated (sign only at quick scale)", () => {
      expect(record.metrics["correlation.rho"]).toBeGreaterThan(0);
    });

    // The accuracy side of Fig. 8 (≤ 2 points lost at λ in [0.7, 0.9]) does not hold reliably at
    // quick scale (the new head is undertrained); the forgetting side does.
    it("Fig. 8: scaling the intruders down by λ in [0.7, 0.9] reduces forgetting", () => {
      const points = lambdasOf(record.result);
      const base = points.find((q) => q.lambda === 1)!;
      const scaled = points.filter((q) => q.lambda >= 0.7 && q.lambda <= 0.9);
      expect(scaled.length).toBeGreaterThan(0);
      for (const q of scaled) expect(q.forgetting).toBeLessThan(base.forgetting);
    });

    // Appendix A.5's intruder count is a near tie at rank 1 in this small model (1 or 2 vs 2), so
    // the quick preset checks what it shows reliably: training only B forgets far less.
    it("Appendix A.5: LoRA with A frozen forgets less than LoRA training A and B at the same rank", () => {
      expect(variant(record.result, "lora-r1-a2r-frozenA").forgetting).toBeLessThan(variant(record.result, "lora-r1-a2r").forgetting);
    });
  });
}

describe("lora-spectra claims fail when their evidence says otherwise (seed 0)", () => {
  let record: RunRecord;
  beforeAll(async () => {
    record = await quickRun("lora-spectra", 0);
  }, LONG);

  /** The run with the variants table's row `id` edited. */
  const withVariant = (id: string, edit: (v: VariantRow) => VariantRow) =>
    editTable(record.result, "variants", editRows<VariantRow>((v) => (v.id === id ? edit(v) : v)));

  it("pretrained-spectra-separated fails when one layer's gaps are no wider than at init", () => {
    const edited = editTable(record.result, "separation", editRows<SeparationRow>((s) => (s.layer === 1 ? { ...s, initMedianGap: s.medianGap } : s)));
    expect(claimOn(record, edited, "pretrained-spectra-separated").holds).toBe(false);
  });

  it("full-ft-no-intruders fails when full fine-tuning has 2 intruders", () => {
    expect(claimOn(record, withVariant("full", (v) => ({ ...v, intruders: 2, intrudersByLayer: "1/1" })), "full-ft-no-intruders").holds).toBe(false);
  });

  it("low-rank-lora-has-intruders fails when LoRA r=1 has no more intruders than full FT", () => {
    const full = variant(record.result, "full");
    const edited = withVariant("lora-r1-a2r", (v) => ({ ...v, intruders: full.intruders }));
    expect(claimOn(record, edited, "low-rank-lora-has-intruders").holds).toBe(false);
  });

  it("alpha-2r-no-more-intruders fails when α = 2r has more intruders than α = 8 at r = 32, ignores r = 1, and is not reported without a rank above 4", () => {
    const fixed = variant(record.result, "lora-r32-a8");
    const edited = withVariant("lora-r32-a2r", (v) => ({ ...v, intruders: fixed.intruders + 1 }));
    expect(claimOn(record, edited, "alpha-2r-no-more-intruders").holds).toBe(false);
    // r = 1 is below the ranks the paper's direction covers: more intruders there change nothing.
    const atOne = withVariant("lora-r1-a2r", (v) => ({ ...v, intruders: variant(record.result, "lora-r1-a8").intruders + 5 }));
    expect(claimOn(record, atOne, "alpha-2r-no-more-intruders").holds).toBe(claimOf(record.claims, "alpha-2r-no-more-intruders").holds);
    // Judged as a run of ranks 1 and 4 only, there is nothing to compare: the claim is not shown.
    const ids = rejudge(record, record.result, { ...record.params, ranks: [1, 4] }).map((c) => c.id);
    expect(ids).not.toContain("alpha-2r-no-more-intruders");
    expect(ids).toContain("low-rank-lora-has-intruders");
  });

  it("intruders-track-forgetting fails with a negative ρ, and with p above the level", () => {
    const rho = record.metrics["correlation.rho"];
    expect(claimOn(record, editTable(record.result, "variants", (t) => t, { ...record.metrics, "correlation.rho": -Math.abs(rho) }), "intruders-track-forgetting").holds).toBe(false);
    expect(claimOn(record, editTable(record.result, "variants", (t) => t, { ...record.metrics, "correlation.p": 0.5 }), "intruders-track-forgetting").holds).toBe(false);
  });

  it("lambda-scaling-reduces-forgetting holds with accuracy kept and forgetting lowered, and fails when λ = 0.8 forgets more than λ = 1", () => {
    const base = lambdasOf(record.result).find((q) => q.lambda === 1)!;
    // Every λ in [0.7, 0.9] keeps λ = 1's accuracy and forgets less than it: the claim's case.
    const good = editTable(record.result, "intervention", editRows<LambdaRow>((q) =>
      (q.lambda >= 0.7 && q.lambda <= 0.9 ? { ...q, newAcc: base.newAcc, forgetting: base.forgetting - 0.1 } : q)));
    expect(claimOn(record, good, "lambda-scaling-reduces-forgetting").holds).toBe(true);
    const bad = editTable(good, "intervention", editRows<LambdaRow>((q) => (q.lambda === 0.8 ? { ...q, forgetting: base.forgetting + 0.1 } : q)));
    expect(claimOn(record, bad, "lambda-scaling-reduces-forgetting").holds).toBe(false);
  });

  it("frozen-A-fewer-intruders fails when frozen A has as many intruders as trained A", () => {
    const trained = variant(record.result, "lora-r1-a2r");
    const edited = withVariant("lora-r1-a2r-frozenA", (v) => ({ ...v, intruders: trained.intruders }));
    expect(claimOn(record, edited, "frozen-A-fewer-intruders").holds).toBe(false);
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
    expect(plan({ ranks: [1, 4, 4] })).toThrow(/ranks=1,4,4 repeats a value/);
    expect(plan({ side: 10 })).toThrow(/side=10 /);
    expect(plan({ k: 64 })).toThrow(/k=64 .*hidden=64.*allowed: 1 to 63/);
  });

  it("accepts the presets", () => {
    expect(plan({})).not.toThrow();
    expect(() => resolvePlan("lora-spectra", { preset: "paper" })).not.toThrow();
  });
});
