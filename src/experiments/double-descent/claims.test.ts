/**
 * The quick preset (the five linear probes: n = 150 MNIST digits, N up to 10n, p = 60 in the
 * isotropic model) through the real runner at seeds 1 and 2; each test checks one paper's claim
 * on that run. Then the LoRA-rank probe at the quick preset's toy size (three ranks, 60 steps): its
 * double-descent and GGPO claims are reported but not asserted, because at this size the
 * fine-tuning does not reach interpolation and the test loss has no peak in rank (the paper preset
 * has one, see README); what it can honestly show is that more rank fits the training set better.
 * Then, for every claim, the run with its evidence edited to contradict it, where the claim must
 * fail; then the cross-field checks, which refuse a plan before anything runs.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { beforeAll, describe, expect, it } from "vitest";
import { claimOf, claimOn, editTable, expectFiniteMetrics, quickRun } from "../../../test/fixtures/runs.js";
import { UsageError } from "../../compute/usageError.js";
import type { RunRecord } from "../../report/record.js";
import { resolvePlan } from "../../run/plan.js";
import type { Result } from "../types.js";
import type { LoraRow } from "./lora.js";
import { constraints, type DoubleDescentParams } from "./params.js";

const LONG = 600_000; // a quick run takes a few seconds of CPU, several times that on a shared machine

const LINEAR_CLAIM_IDS = [
  "peak-at-threshold-relu", "peak-height-relu", "norm-peak-relu",
  "peak-at-threshold-fourier", "peak-height-fourier", "norm-peak-fourier",
  "optimal-ridge-removes-peak", "label-noise-raises-peak", "more-data-hurts",
  "theory-matches-closed-form", "theory-peak-at-threshold",
];
const LORA_CLAIM_IDS = ["lora-capacity", "lora-rank-double-descent", "ggpo-mitigates"];

/** One row of the curves table. */
interface CurveRow { probe: string; features: string; variant: string; size: number; ratio: number; testRisk: number; norm: number }
/** One row of the theory table. */
interface TheoryRow { gamma: number; risk: number; se: number; closedForm: number }

/** A table with each row replaced by `edit(row)`. */
const editRows = <R extends object>(edit: (row: R) => R) => (t: ColumnTable) => aq.from((t.objects() as R[]).map(edit));

/** The run with the curves rows that `where` picks edited. */
const editCurves = (r: Result, where: (c: CurveRow) => boolean, edit: (c: CurveRow) => CurveRow) =>
  editTable(r, "curves", editRows<CurveRow>((c) => (where(c) ? edit(c) : c)));
const curveRows = (r: Result, where: (c: CurveRow) => boolean) => (r.tables.curves.objects() as CurveRow[]).filter(where);
const modelWise = (kind: string) => (c: CurveRow) => c.probe === "model-wise" && c.features === kind;

for (const seed of [1, 2]) {
  describe(`double-descent quick preset, seed ${seed}`, () => {
    let record: RunRecord;
    beforeAll(async () => {
      record = await quickRun("double-descent", seed);
    }, LONG);

    it("reports the claims of the five linear probes, and only finite metrics", () => {
      expect(record.claims.map((c) => c.id)).toEqual(LINEAR_CLAIM_IDS);
      expectFiniteMetrics(record.result.metrics);
    });

    it("peaks at N = n for ReLU and Fourier features, ≥10× above N = n/2 and N = 10n, norm too (Belkin et al. 2019, Fig. 2)", () => {
      for (const kind of ["relu", "fourier"]) {
        for (const id of [`peak-at-threshold-${kind}`, `peak-height-${kind}`, `norm-peak-${kind}`]) {
          const c = claimOf(record.claims, id);
          expect(c.holds, `${id}: ${c.evidence}`).toBe(true);
        }
        expect(record.result.metrics[`modelWise.${kind}.peakRatio`]).toBe(1);
      }
    });

    it("has no peak once ridge is tuned at each N (Nakkiran, Venkat, Kakade & Ma 2020)", () => {
      const c = claimOf(record.claims, "optimal-ridge-removes-peak");
      expect(c.holds, c.evidence).toBe(true);
    });

    it("makes the peak more pronounced with label noise, against its own baseline (Nakkiran et al. 2019, model-wise double descent)", () => {
      const c = claimOf(record.claims, "label-noise-raises-peak");
      expect(c.holds, c.evidence).toBe(true);
    });

    it("gets worse with more data just below n = N (Nakkiran et al. 2019, sample-wise non-monotonicity)", () => {
      const c = claimOf(record.claims, "more-data-hurts");
      expect(c.holds, c.evidence).toBe(true);
      expect(record.result.metrics["sampleWise.hurtTo"]).toBe(150); // the worst n is n = N
    });

    it("matches the isotropic closed form away from γ = 1 and peaks at γ = 1 (Hastie et al. 2019, Thm 1)", () => {
      for (const id of ["theory-matches-closed-form", "theory-peak-at-threshold"]) {
        const c = claimOf(record.claims, id);
        expect(c.holds, `${id}: ${c.evidence}`).toBe(true);
      }
    });
  });
}

describe("double-descent lora-rank probe at the quick preset's size", () => {
  let record: RunRecord;
  beforeAll(async () => {
    record = await quickRun("double-descent", 1, { probe: "lora-rank" });
  }, LONG);

  it("reports only the LoRA claims (the probe asked for), and only finite metrics", () => {
    expect(record.claims.map((c) => c.id)).toEqual(LORA_CLAIM_IDS);
    expectFiniteMetrics(record.result.metrics);
  });

  it("fits the training set better with more LoRA rank (Chang et al. 2025)", () => {
    const c = claimOf(record.claims, "lora-capacity");
    expect(c.holds, c.evidence).toBe(true);
  });
});

describe("double-descent claims fail when their evidence says otherwise (seed 1)", () => {
  let record: RunRecord;
  beforeAll(async () => {
    record = await quickRun("double-descent", 1);
  }, LONG);

  for (const kind of ["relu", "fourier"]) {
    it(`peak-at-threshold-${kind} fails when the largest risk is at N/n = 0.1`, () => {
      const edited = editCurves(record.result, (c) => modelWise(kind)(c) && c.ratio < 0.15, (c) => ({ ...c, testRisk: 1e6 }));
      expect(claimOn(record, edited, `peak-at-threshold-${kind}`).holds).toBe(false);
    });

    it(`peak-height-${kind} fails when the risk at N = 10n is as high as the peak`, () => {
      const peak = Math.max(...curveRows(record.result, modelWise(kind)).map((c) => c.testRisk));
      const edited = editCurves(record.result, (c) => modelWise(kind)(c) && c.ratio > 9, (c) => ({ ...c, testRisk: peak }));
      expect(claimOn(record, edited, `peak-height-${kind}`).holds).toBe(false);
    });

    it(`norm-peak-${kind} fails when the largest norm is at N = 10n`, () => {
      const edited = editCurves(record.result, (c) => modelWise(kind)(c) && c.ratio > 9, (c) => ({ ...c, norm: 1e9 }));
      expect(claimOn(record, edited, `norm-peak-${kind}`).holds).toBe(false);
    });
  }

  it("optimal-ridge-removes-peak fails when λ = 0 has no peak, and when the best λ rises at N = n", () => {
    const flat = editCurves(record.result, (c) => c.probe === "ridge" && c.variant === "λ=0", (c) => ({ ...c, testRisk: 1 }));
    expect(claimOn(record, flat, "optimal-ridge-removes-peak").holds).toBe(false);
    const risen = editCurves(record.result, (c) => c.probe === "ridge" && c.variant !== "λ=0" && c.ratio === 1, (c) => ({ ...c, testRisk: 100 * c.testRisk }));
    expect(claimOn(record, risen, "optimal-ridge-removes-peak").holds).toBe(false);
  });

  it("label-noise-raises-peak fails when the noisiest labels give the lowest risk", () => {
    const edited = editCurves(record.result, (c) => c.probe === "label-noise" && c.variant === "noise 20%", (c) => ({ ...c, testRisk: 1e-6 }));
    expect(claimOn(record, edited, "label-noise-raises-peak").holds).toBe(false);
  });

  // Noise that raises the risk by the same factor everywhere raises every region mean but leaves
  // the peak no more pronounced: the claim must fail. Raising only the critical region's risk
  // (0.5 ≤ N/n ≤ 2) with the noise level makes the peak stand out more: then it holds.
  it("label-noise-raises-peak fails when noise scales the whole clean curve, and holds when it raises only the peak", () => {
    const level: Record<string, number> = { "noise 0%": 0, "noise 10%": 1, "noise 20%": 2 };
    const clean = new Map(curveRows(record.result, (c) => c.probe === "label-noise" && c.variant === "noise 0%").map((c) => [c.size, c.testRisk]));
    const scaled = (inRegionOnly: boolean) => editCurves(record.result, (c) => c.probe === "label-noise", (c) => ({
      ...c, testRisk: clean.get(c.size)! * (inRegionOnly && (c.ratio < 0.5 || c.ratio > 2) ? 1 : 1 + level[c.variant]),
    }));
    const uniform = claimOn(record, scaled(false), "label-noise-raises-peak");
    expect(uniform.holds, uniform.evidence).toBe(false);
    const peaked = claimOn(record, scaled(true), "label-noise-raises-peak");
    expect(peaked.holds, peaked.evidence).toBe(true);
  });

  it("more-data-hurts fails when the sample-wise risk falls with every added sample", () => {
    const edited = editCurves(record.result, (c) => c.probe === "sample-wise", (c) => ({ ...c, testRisk: 1 / c.size }));
    expect(claimOn(record, edited, "more-data-hurts").holds).toBe(false);
  });

  it("theory-matches-closed-form fails when the smallest γ misses the closed form by its own size plus 10 SE", () => {
    const smallest = Math.min(...Array.from(record.result.tables.theory.array("gamma") as ArrayLike<number>));
    const edited = editTable(record.result, "theory", editRows<TheoryRow>((t) =>
      (t.gamma === smallest ? { ...t, risk: 2 * t.closedForm + 10 * t.se } : t)));
    expect(claimOn(record, edited, "theory-matches-closed-form").holds).toBe(false);
  });

  it("theory-peak-at-threshold fails when the largest mean risk is at the smallest γ", () => {
    const smallest = Math.min(...Array.from(record.result.tables.theory.array("gamma") as ArrayLike<number>));
    const edited = editTable(record.result, "theory", editRows<TheoryRow>((t) => (t.gamma === smallest ? { ...t, risk: 1e9 } : t)));
    expect(claimOn(record, edited, "theory-peak-at-threshold").holds).toBe(false);
  });
});

describe("double-descent LoRA claims fail when their evidence says otherwise (seed 1)", () => {
  let record: RunRecord;
  beforeAll(async () => {
    record = await quickRun("double-descent", 1, { probe: "lora-rank" });
  }, LONG);

  /** The run with the lora rows of `method` edited. */
  const withMethod = (r: Result, method: string, edit: (row: LoraRow) => LoraRow) =>
    editTable(r, "lora", editRows<LoraRow>((row) => (row.method === method ? edit(row) : row)));

  it("lora-capacity fails when the training loss grows with the rank", () => {
    const edited = withMethod(record.result, "LoRA", (row) => ({ ...row, trainLoss: row.rank }));
    expect(claimOn(record, edited, "lora-capacity").holds).toBe(false);
  });

  it("lora-rank-double-descent holds with a peak at the middle rank, and fails when the test loss falls with the rank", () => {
    // Ranks 1, 8, 64: loss 1, 2, 1 is a peak of ×2 at r = 8.
    const peaked = withMethod(record.result, "LoRA", (row) => ({ ...row, testLoss: row.rank === 8 ? 2 : 1 }));
    expect(claimOn(record, peaked, "lora-rank-double-descent").holds).toBe(true);
    const falling = withMethod(record.result, "LoRA", (row) => ({ ...row, testLoss: 1 / row.rank }));
    expect(claimOn(record, falling, "lora-rank-double-descent").holds).toBe(false);
  });

  it("ggpo-mitigates holds when the perturbed run's loss is half of LoRA's, and fails when it is no lower", () => {
    const plain = new Map((record.result.tables.lora.objects() as LoraRow[]).filter((r) => r.method === "LoRA").map((r) => [r.rank, r.testLoss]));
    const halved = withMethod(record.result, "LoRA-GGPO", (row) => ({ ...row, testLoss: plain.get(row.rank)! / 2 }));
    expect(claimOn(record, halved, "ggpo-mitigates").holds).toBe(true);
    const same = withMethod(record.result, "LoRA-GGPO", (row) => ({ ...row, testLoss: plain.get(row.rank)! }));
    expect(claimOn(record, same, "ggpo-mitigates").holds).toBe(false);
  });
});

describe("double-descent plans", () => {
  const plan = (params: Record<string, unknown>) => () => resolvePlan("double-descent", { preset: "quick", params });

  it("refuses, before running, a grid of ratios that repeats a value, naming it", () => {
    expect(plan({ ratios: [0.5, 1, 1] })).toThrow(UsageError);
    expect(plan({ ratios: [0.5, 1, 1] })).toThrow(/ratios=0\.5,1,1 repeats a value/);
  });

  it("refuses LoRA ranks that are not integers, naming them", () => {
    expect(plan({ loraRanks: [1, 2.5] })).toThrow(UsageError);
    expect(plan({ loraRanks: [1, 2.5] })).toThrow(/loraRanks=1,2\.5 .*r=2\.5.*integer/);
  });

  // The schema's ranges (n, m ≤ 5000) keep n + m within the digits; the check stands should they widen.
  it("refuses more training plus test digits than MNIST has", () => {
    const p = { ...resolvePlan("double-descent", { preset: "quick" }).params, n: 9000, m: 2000 } as DoubleDescentParams;
    expect(constraints.map((c) => c(p)).filter(Boolean)).toEqual([expect.stringMatching(/n=9000 plus m=2000 .*n \+ m ≤ 10000/)]);
  });

  it("accepts the presets", () => {
    expect(plan({})).not.toThrow();
    expect(() => resolvePlan("double-descent", { preset: "paper" })).not.toThrow();
  });
});
