/**
 * The quick preset through the real runner at seeds 0–3 (its claims must hold for any seed, not
 * one lucky draw); then, for every claim, the seed-0 run with its curves edited to contradict the
 * claim, where it must fail; then the cross-field checks, which refuse a plan before anything runs.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { beforeAll, describe, expect, it } from "vitest";
import { claimOf, claimOn, editTable, expectFiniteMetrics, quickRun } from "../../../test/fixtures/runs.js";
import { UsageError } from "../../compute/usageError.js";
import type { RunRecord } from "../../report/record.js";
import { resolvePlan } from "../../run/plan.js";
import type { Result } from "../types.js";
import type { MatrixSensingParams } from "./params.js";
import { variantsFor } from "./run.js";

const LONG = 300_000; // a quick run takes a couple of seconds of CPU, several times that on a shared machine

const CLAIM_IDS = ["exact-linear", "symmetric-overparam-sublinear", "asymmetric-linear-alpha", "one-step-alpha-independent", "one-step-recovers-exact-rate"];

/** One row of the curves table. */
interface CurveRow { variant: string; id: string; family: string; alpha: number; k: number; iter: number; relError: number }

/** The run with the curve rows of variant `id` edited. */
const editCurve = (r: Result, id: string, edit: (c: CurveRow) => CurveRow) =>
  editTable(r, "curves", (t: ColumnTable) => aq.from((t.objects() as CurveRow[]).map((c) => (c.id === id ? edit(c) : c))));

for (const seed of [0, 1, 2, 3]) {
  describe(`matrix-sensing quick preset, seed ${seed} (Xiong, Ding & Du 2024, Figures 1–2)`, () => {
    let record: RunRecord;
    beforeAll(async () => {
      record = await quickRun("matrix-sensing", seed);
    }, LONG);

    it("reproduces every claim of the paper", () => {
      expect(record.claims.map((c) => c.id)).toEqual(CLAIM_IDS);
      const failed = record.claims.filter((c) => !c.holds);
      expect(failed.map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);
    });

    it("reports only finite metrics, in the metric-key style", () => {
      expectFiniteMetrics(record.result.metrics);
      for (const key of Object.keys(record.result.metrics)) expect(key).toMatch(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/);
      expect(record.result.metrics["symExact.finalError"]).toBeLessThan(1e-10);
    });
  });
}

describe("matrix-sensing tables and figures (seed 0)", () => {
  let record: RunRecord;
  beforeAll(async () => {
    record = await quickRun("matrix-sensing", 0);
  }, LONG);

  it("returns a long table with one row per variant and recorded iteration", () => {
    const p = record.params as unknown as MatrixSensingParams;
    const t = record.result.tables.curves;
    expect(t.columnNames()).toEqual(["variant", "id", "family", "alpha", "k", "iter", "relError"]);
    const records = p.T / Math.max(1, Math.floor(p.T / 1000)) + 1;
    expect(t.numRows()).toBe(variantsFor(p).length * records);
    expect(variantsFor(p).length).toBe(3 + 2 * p.alphas.length);
  });

  it("records when each one-step run re-factored, within the run", () => {
    const p = record.params as unknown as MatrixSensingParams;
    for (const a of p.alphas) {
      const t = record.result.metrics[`oneStep.alpha${String(a).replace(".", "p")}.switchIter`];
      expect(t).toBeGreaterThan(0);
      expect(t).toBeLessThan(p.T);
    }
  });

  it("draws the relative-error and rate figures with a log y axis", () => {
    expect(record.figures.map((f) => f.id)).toEqual(["relative-error", "rate-vs-alpha"]);
    expect((record.figures[0].plot.y as { type: string }).type).toBe("log");
  });
});

describe("matrix-sensing claims fail when their evidence says otherwise (seed 0)", () => {
  let record: RunRecord;
  let p: MatrixSensingParams;
  beforeAll(async () => {
    record = await quickRun("matrix-sensing", 0);
    p = record.params as unknown as MatrixSensingParams;
  }, LONG);

  it("exact-linear fails when XXᵀ with k = r decays like 1/t²", () => {
    const edited = editCurve(record.result, "sym-exact", (c) => ({ ...c, relError: 1 / (1 + c.iter) ** 2 }));
    expect(claimOn(record, edited, "exact-linear").holds).toBe(false);
  });

  it("symmetric-overparam-sublinear fails when XXᵀ with k > r converges linearly", () => {
    const edited = editCurve(record.result, "sym-over", (c) => ({ ...c, relError: Math.exp(-0.01 * c.iter) }));
    expect(claimOn(record, edited, "symmetric-overparam-sublinear").holds).toBe(false);
  });

  it("asymmetric-linear-alpha fails when the smallest and largest α swap curves", () => {
    const [lo, hi] = [Math.min(...p.alphas), Math.max(...p.alphas)];
    const rows = record.result.tables.curves.objects() as CurveRow[];
    const errorAt = (id: string) => new Map(rows.filter((c) => c.id === id).map((c) => [c.iter, c.relError]));
    const [loErr, hiErr] = [errorAt(`asym-a${lo}`), errorAt(`asym-a${hi}`)];
    let edited = editCurve(record.result, `asym-a${lo}`, (c) => ({ ...c, relError: hiErr.get(c.iter)! }));
    edited = editCurve(edited, `asym-a${hi}`, (c) => ({ ...c, relError: loErr.get(c.iter)! }));
    expect(claimOn(record, edited, "asymmetric-linear-alpha").holds).toBe(false);
  });

  it("symmetric-overparam-sublinear fails when XXᵀ with k > r decays like 1/t², faster than Thm 1.1 allows", () => {
    const edited = editCurve(record.result, "sym-over", (c) => ({ ...c, relError: 1 / (1 + c.iter) ** 2 }));
    expect(claimOn(record, edited, "symmetric-overparam-sublinear").holds).toBe(false);
  });

  it("asymmetric-linear-alpha fails when the rate grows like α rather than α²", () => {
    // Scaling log(error) by α_min/α divides each rate by α/α_min: rate ∝ α^p becomes ∝ α^(p−1).
    const lo = Math.min(...p.alphas);
    let edited = record.result;
    for (const a of p.alphas) edited = editCurve(edited, `asym-a${a}`, (c) => ({ ...c, relError: c.relError ** (lo / a) }));
    const c = claimOn(record, edited, "asymmetric-linear-alpha");
    expect(c.holds, c.evidence).toBe(false);
  });

  it("one-step-alpha-independent fails when the largest α's one-step run is 3× slower", () => {
    const hi = Math.max(...p.alphas);
    const edited = editCurve(record.result, `onestep-a${hi}`, (c) => ({ ...c, relError: c.relError ** (1 / 3) }));
    expect(claimOn(record, edited, "one-step-alpha-independent").holds).toBe(false);
  });

  it("one-step-recovers-exact-rate fails when every one-step run is 3× slower", () => {
    let edited = record.result;
    for (const a of p.alphas) edited = editCurve(edited, `onestep-a${a}`, (c) => ({ ...c, relError: c.relError ** (1 / 3) }));
    expect(claimOn(record, edited, "one-step-recovers-exact-rate").holds).toBe(false);
  });

  it("one-step-recovers-exact-rate fails when every one-step run is 4× faster than k = r", () => {
    let edited = record.result;
    for (const a of p.alphas) edited = editCurve(edited, `onestep-a${a}`, (c) => ({ ...c, relError: c.relError ** 4 }));
    expect(claimOn(record, edited, "one-step-recovers-exact-rate").holds).toBe(false);
  });
});

describe("matrix-sensing with a single α", () => {
  it("lists no α claim, since one α shows no dependence on α", async () => {
    const record = await quickRun("matrix-sensing", 0, { alphas: [0.06], T: 1500 });
    const ids = record.claims.map((c) => c.id);
    expect(ids).toEqual(["exact-linear", "symmetric-overparam-sublinear", "one-step-recovers-exact-rate"]);
    expect(Object.values(record.result.metrics).every(Number.isFinite)).toBe(true);
  }, LONG);
});

describe("matrix-sensing plans", () => {
  const plan = (params: Record<string, unknown>) => () => resolvePlan("matrix-sensing", { preset: "quick", params });

  it("refuses k ≤ r before running, naming both", () => {
    expect(plan({ k: 2, r: 2 })).toThrow(UsageError);
    expect(plan({ k: 2, r: 2 })).toThrow(/k=2 must exceed r=2/);
  });

  it("refuses k > n and repeated α, naming them", () => {
    expect(plan({ n: 4, k: 5, r: 1 })).toThrow(/k=5 must not exceed n=4/);
    expect(plan({ alphas: [0.1, 0.1] })).toThrow(/alphas=0\.1,0\.1 repeats a value/);
  });

  it("accepts the presets", () => {
    for (const preset of ["quick", "paper", "reference"]) expect(() => resolvePlan("matrix-sensing", { preset })).not.toThrow();
  });
});
