/**
 * The quick preset through the real runner (which also checks that every tfjs tensor is freed)
 * at seeds 0 and 1, checked against what the papers claim and this scale shows reliably; then,
 * for every claim, the same run with its evidence edited to contradict it, where the claim must
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
import { JUDGED_FROM } from "./claims.js";
import type { AccuracyRow, DecompositionRow, RankRow, ScatterbrainRow, TrainedRankRow } from "./run.js";
import { rowsOf } from "../rows.js";

const LONG = 600_000; // a quick run takes ~10 s of CPU, several times that on a shared machine

/** The algebraic identities of the heads and the solver check: sanity checks, shown apart and not counted as paper claims. */
const SANITY_IDS = ["linear-rank-at-most-d", "softmax-rank-exceeds-d", "rala-output-rank-exceeds-linear", "scatterbrain-oracle-converged"];

/** The paper claims, judged only at the paper preset's sizes (claims.ts JUDGED_FROM), not at the quick preset's. */
const PAPER_IDS = [
  "rala-kv-effective-rank", "rala-kv-effective-rank-trained", "linear-output-effective-rank-trained", "rala-accuracy-at-least-linear",
  "scatterbrain-middle-oracle", "scatterbrain-middle-random-features", "scatterbrain-middle-oracle-trained", "scatterbrain-middle-random-features-trained",
];

/** A table with each row replaced by `edit(row)`. */
const editRows = <R extends object>(edit: (row: R) => R) => (t: ColumnTable) => aq.from(rowsOf<R>(t).map(edit));

/** The sweep point a rank row belongs to (input, N, d, trial). */
const pointOf = (r: RankRow) => `${r.input}|${r.N}|${r.d}|${r.trial}`;

for (const seed of [0, 1]) {
  describe(`attention-rank quick preset, seed ${seed} (Fan et al. 2025 §3–4, Fig. 2; Chen et al. 2021 Fig. 1 left)`, () => {
    let record: RunRecord;
    beforeAll(async () => {
      record = await quickRun("attention-rank", seed);
    }, LONG);

    it("reports every claim, and only finite metrics", () => {
      expect(record.claims.map((c) => c.id)).toEqual(SANITY_IDS);
      expectFiniteMetrics(record.metrics);
    });

    it("passes the sanity checks, shown apart from the claims: Fan et al. §3 (Fig. 2) linear ≤ d < softmax, RALA > linear; the oracle decomposition converged", () => {
      for (const id of SANITY_IDS) {
        const c = claimOf(record.claims, id);
        expect(c.kind, id).toBe("sanity");
        expect(c.holds, `${id}: ${c.evidence}`).toBe(true);
      }
      expect(record.claims.filter((c) => c.kind === "sanity").map((c) => c.id)).toEqual(SANITY_IDS);
      expect(record.metrics["random.linear.output.numericalRank"]).toBe(record.params.dRef);
    });

    it("judges no paper claim at the quick preset's sizes (30 steps, one head per point, N = 64 in the probe)", () => {
      expect(record.params.steps).toBeLessThan(JUDGED_FROM.steps);
      expect(record.params.trials).toBeLessThan(JUDGED_FROM.trials);
      expect(record.params.sbN).toBeLessThan(JUDGED_FROM.sbN);
      for (const id of PAPER_IDS) expect(record.claims.map((c) => c.id)).not.toContain(id);
    });

    // The middle-temperature claims are mixed at this scale (README); the two ends are not.
    it("finds sparse best for peaked and low-rank best for flat attention, as in Scatterbrain Fig. 1 left", () => {
      const rows = rowsOf<ScatterbrainRow>(record.result.tables.scatterbrain);
      const temperatures = record.params.temperatures as number[];
      const [lo, hi] = [Math.min(...temperatures), Math.max(...temperatures)];
      for (const input of ["random", "mnist", "trained"]) {
        for (const family of ["random features", "oracle"]) {
          const err = (t: number, m: string) => rows.find((x) => x.input === input && x.family === family && x.temperature === t && x.method === m)!.error;
          expect(err(lo, "sparse"), `${input}, ${family}, τ=${lo}`).toBeLessThan(err(lo, "low-rank"));
          expect(err(hi, "low-rank"), `${input}, ${family}, τ=${hi}`).toBeLessThan(err(hi, "sparse"));
        }
      }
    });
  });
}

describe("attention-rank tables and figures (seed 0)", () => {
  let record: RunRecord;
  beforeAll(async () => {
    record = await quickRun("attention-rank", 0);
  }, LONG);

  it("returns long tables: one row per sweep matrix, per kind, per (input, family, τ, method)", () => {
    const t = record.result.tables;
    expect(t.ranks.columnNames()).toEqual(["input", "N", "d", "dv", "trial", "kind", "matrix", "inputRank", "numericalRank", "effectiveRank"]);
    expect(t.accuracy.numRows()).toBe(3);
    expect(t.scatterbrain.numRows()).toBe(3 * 2 * 3 * (record.params.temperatures as number[]).length);
    expect(t.decomposition.columnNames()).toEqual(["input", "temperature", "start", "iteration", "error", "change", "converged"]);
  });

  it("builds the spectra, rank, accuracy, trained-rank and Scatterbrain figures with log axes where the papers use them", () => {
    expect(record.figures.map((f) => f.id)).toEqual(["spectra", "rank-vs-N", "rank-vs-d", "accuracy", "training-loss", "trained-ranks", "scatterbrain", "decomposition"]);
    expect((record.figure("spectra").plot.y as { type: string }).type).toBe("log");
    expect((record.figure("scatterbrain").plot.x as { type: string }).type).toBe("log");
  });
});

describe("attention-rank claims fail when their evidence says otherwise (seed 0)", () => {
  let record: RunRecord;
  let ranks: RankRow[];
  beforeAll(async () => {
    record = await quickRun("attention-rank", 0);
    ranks = rowsOf<RankRow>(record.result.tables.ranks);
  }, LONG);

  const withRanks = (edit: (r: RankRow) => RankRow) => editTable(record.result, "ranks", editRows<RankRow>(edit));
  const rejudgeIds = (params: Record<string, unknown>) => rejudge(record, record.result, params).map((c) => c.id);
  /** The row of `kind`'s `matrix` at the same sweep point as `r`. */
  const sibling = (r: RankRow, kind: string, matrix = r.matrix) => ranks.find((x) => pointOf(x) === pointOf(r) && x.kind === kind && x.matrix === matrix)!;

  it("linear-rank-at-most-d fails when one linear output has rank d + 1", () => {
    const target = ranks.find((r) => r.kind === "linear" && r.matrix === "output")!;
    const edited = withRanks((r) => (pointOf(r) === pointOf(target) && r.kind === "linear" && r.matrix === "output" ? { ...r, numericalRank: r.d + 1 } : r));
    expect(claimOn(record, edited, "linear-rank-at-most-d").holds).toBe(false);
  });

  it("softmax-rank-exceeds-d fails when softmax has rank d at a point with room above d", () => {
    const target = ranks.find((r) => r.kind === "softmax" && r.matrix === "output" && r.N > r.d && Math.min(r.N, r.dv, r.inputRank) > r.d)!;
    expect(target).toBeDefined();
    const edited = withRanks((r) => (pointOf(r) === pointOf(target) && r.kind === "softmax" && r.matrix === "output" ? { ...r, numericalRank: r.d } : r));
    expect(claimOn(record, edited, "softmax-rank-exceeds-d").holds).toBe(false);
  });

  it("rala-output-rank-exceeds-linear fails when RALA's output rank equals linear's where linear is below min(N, dv)", () => {
    const target = ranks.find((r) => r.kind === "linear" && r.matrix === "output" && r.numericalRank < Math.min(r.N, r.dv))!;
    expect(target).toBeDefined();
    const edited = withRanks((r) => (pointOf(r) === pointOf(target) && r.kind === "rala" && r.matrix === "output" ? { ...r, numericalRank: target.numericalRank } : r));
    expect(claimOn(record, edited, "rala-output-rank-exceeds-linear").holds).toBe(false);
  });

  // First the case where it holds, then one point against.
  it("rala-kv-effective-rank holds when RALA's KV buffer is higher at every point, and fails when one point ties", () => {
    const raised = withRanks((r) => (r.kind === "rala" && r.matrix === "KV buffer" ? { ...r, effectiveRank: sibling(r, "linear").effectiveRank + 1 } : r));
    expect(claimOn(record, raised, "rala-kv-effective-rank", paperParams()).holds).toBe(true);
    const target = ranks.find((r) => r.kind === "rala" && r.matrix === "KV buffer")!;
    const tied = editTable(raised, "ranks", editRows<RankRow>((r) =>
      (pointOf(r) === pointOf(target) && r.kind === "rala" && r.matrix === "KV buffer" ? { ...r, effectiveRank: sibling(r, "linear").effectiveRank } : r)));
    expect(claimOn(record, tied, "rala-kv-effective-rank", paperParams()).holds).toBe(false);
  });

  /** The quick run's params with the paper preset's sizes, under which the paper claims are judged. */
  const paperParams = () => ({ ...record.params, ...JUDGED_FROM });

  it("judges every paper claim at the paper preset's sizes, on the same tables, and each size rule on its own", () => {
    const ids = rejudgeIds(paperParams());
    expect(ids).toEqual([...SANITY_IDS, ...PAPER_IDS]);
    expect(rejudgeIds({ ...record.params, steps: JUDGED_FROM.steps })).toEqual([...SANITY_IDS, ...PAPER_IDS.filter((id) => id.endsWith("-trained") || id.startsWith("rala-acc") || id.startsWith("linear-output"))]);
    expect(rejudgeIds({ ...record.params, trials: JUDGED_FROM.trials })).toEqual([...SANITY_IDS, "rala-kv-effective-rank"]);
    expect(rejudgeIds({ ...record.params, sbN: JUDGED_FROM.sbN })).toEqual([...SANITY_IDS, "scatterbrain-middle-oracle", "scatterbrain-middle-random-features"]);
  });

  it("rala-kv-effective-rank-trained holds when RALA's trained buffers are higher on average, and fails when they are lower", () => {
    const kvRanks = (rala: number, linear: number) => editTable(record.result, "trainedRanks", editRows<TrainedRankRow>((r) =>
      (r.matrix !== "KV buffer" ? r : r.kind === "rala" ? { ...r, effectiveRank: rala } : r.kind === "linear" ? { ...r, effectiveRank: linear } : r)));
    expect(claimOn(record, kvRanks(10, 5), "rala-kv-effective-rank-trained", paperParams()).holds).toBe(true);
    expect(claimOn(record, kvRanks(5, 10), "rala-kv-effective-rank-trained", paperParams()).holds).toBe(false);
  });

  it("linear-output-effective-rank-trained holds when linear's trained outputs are lowest, and fails when they match softmax's", () => {
    const outRanks = (soft: number, linear: number, rala: number) => editTable(record.result, "trainedRanks", editRows<TrainedRankRow>((r) =>
      (r.matrix !== "output" ? r : { ...r, effectiveRank: r.kind === "softmax" ? soft : r.kind === "linear" ? linear : rala })));
    expect(claimOn(record, outRanks(6, 3, 12), "linear-output-effective-rank-trained", paperParams()).holds).toBe(true);
    expect(claimOn(record, outRanks(6, 6, 12), "linear-output-effective-rank-trained", paperParams()).holds).toBe(false);
    expect(claimOn(record, outRanks(6, 3, 2), "linear-output-effective-rank-trained", paperParams()).holds).toBe(false);
  });

  it("rala-accuracy-at-least-linear holds when RALA matches linear attention, and fails when it is 20 points below", () => {
    const accuracies = (rala: number) => editTable(record.result, "accuracy", editRows<AccuracyRow>((r) =>
      (r.kind === "rala" ? { ...r, accuracy: rala } : r.kind === "linear" ? { ...r, accuracy: 0.8 } : r)));
    expect(claimOn(record, accuracies(0.8), "rala-accuracy-at-least-linear", paperParams()).holds).toBe(true);
    expect(claimOn(record, accuracies(0.6), "rala-accuracy-at-least-linear", paperParams()).holds).toBe(false);
  });

  it("scatterbrain-oracle-converged fails when the reported decomposition stopped on the iteration cap with a large last change", () => {
    const rows = rowsOf<DecompositionRow>(record.result.tables.decomposition);
    const settled = editTable(record.result, "decomposition", (t) => aq.from(rowsOf<DecompositionRow>(t).map((r) => ({ ...r, change: 0, converged: true }))));
    expect(claimOn(record, settled, "scatterbrain-oracle-converged").holds).toBe(true);
    // Every run's last iteration changed its error by 1% of ‖A‖_F: nothing settled.
    const last = new Map<string, number>();
    for (const r of rows) last.set(`${r.input}|${r.temperature}|${r.start}`, Math.max(last.get(`${r.input}|${r.temperature}|${r.start}`) ?? 0, r.iteration));
    const unsettled = editTable(settled, "decomposition", (t) => aq.from(rowsOf<DecompositionRow>(t).map((r) =>
      (last.get(`${r.input}|${r.temperature}|${r.start}`) === r.iteration ? { ...r, error: 0.2, change: 0.01, converged: false } : r))));
    expect(claimOn(record, unsettled, "scatterbrain-oracle-converged").holds).toBe(false);
  });

  /**
   * The run's Scatterbrain table with every error replaced by `error(method, τ)`: sparse grows and
   * low-rank shrinks with τ, so low-rank first wins at τ× = 1.78 of the quick temperatures and the
   * middle is τ ∈ {1, 1.78, 3.16}.
   */
  const withErrors = (result: Result, error: (method: string, t: number) => number) =>
    editTable(result, "scatterbrain", editRows<ScatterbrainRow>((r) => ({ ...r, error: error(r.method, r.temperature) })));
  const regimes = (method: string, t: number) => (method === "sparse" ? t : method === "low-rank" ? 1 / t : 0);

  for (const [id, family, input] of [
    ["scatterbrain-middle-oracle", "oracle", "mnist"], ["scatterbrain-middle-random-features", "random features", "mnist"],
    ["scatterbrain-middle-oracle-trained", "oracle", "trained"], ["scatterbrain-middle-random-features-trained", "random features", "trained"],
  ]) {
    it(`${id} holds when sparse + low-rank wins across the middle, and fails when it loses at τ× (${input} tokens) or there is no crossover`, () => {
      const params = paperParams();
      const middle = withErrors(record.result, regimes);
      expect(claimOn(record, middle, id, params).holds).toBe(true);
      const lostAtCross = editTable(middle, "scatterbrain", editRows<ScatterbrainRow>((r) =>
        (r.family === family && r.input === input && r.temperature === 1.78 && r.method === "sparse+low-rank" ? { ...r, error: 10 } : r)));
      expect(claimOn(record, lostAtCross, id, params).holds).toBe(false);
      const noCrossover = withErrors(record.result, (method) => (method === "sparse" ? 0.1 : method === "low-rank" ? 0.5 : 0));
      expect(claimOn(record, noCrossover, id, params).holds).toBe(false);
    });
  }
});

describe("attention-rank plans", () => {
  const plan = (params: Record<string, unknown>) => () => resolvePlan("attention-rank", { preset: "quick", params });

  it("refuses, before running, non-integer sequence lengths and head dims, naming the field", () => {
    expect(plan({ N: [16.5] })).toThrow(UsageError);
    expect(plan({ N: [16.5] })).toThrow(/N=16.5 has a non-integer 16.5; allowed: integers/);
    expect(plan({ d: [4, 2.5] })).toThrow(/d=4,2.5 has a non-integer 2.5/);
  });

  it("refuses head dims that RoPE cannot turn (not multiples of 4) unless rope=none, naming the field", () => {
    expect(plan({ d: [4, 6] })).toThrow(UsageError);
    expect(plan({ d: [4, 6] })).toThrow(/rope=rala needs head dims that are multiples of 4, but d\/dRef has 6/);
    expect(plan({ d: [4, 6], rope: "none" })).not.toThrow();
    expect(plan({ vitWidth: 12, heads: 2 })).toThrow(/ViT head dim vitWidth\/heads that is a multiple of 4, got 6/);
    expect(plan({ rope: "sideways" })).toThrow(UsageError);
  });

  it("refuses a ViT width that the heads do not divide, naming both fields", () => {
    expect(plan({ vitWidth: 10, heads: 3 })).toThrow(UsageError);
    expect(plan({ vitWidth: 10, heads: 3 })).toThrow(/vitWidth=10 is not a multiple of heads=3/);
  });
});
