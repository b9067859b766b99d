/**
 * The quick preset (15×15 of rank 2, m = 800, r′ = 8) through the real runner at seeds 0–2,
 * checked against every claim it makes; the same preset with dense noise, where SubGM must stop at
 * the noise level, and from a large initialisation, where over-parameterisation must stall it; then,
 * for every claim, the seed-0 run with its evidence edited to contradict it, where the claim must
 * fail; then the cross-field checks, which refuse a plan before anything runs.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { beforeAll, describe, expect, it } from "vitest";
import { claimOn, editTable, expectFiniteMetrics, quickRun, rejudge } from "../../../test/fixtures/runs.js";
import { UsageError } from "../../compute/usageError.js";
import type { RunRecord } from "../../report/record.js";
import { resolvePlan } from "../../run/plan.js";
import type { Result } from "../types.js";
import type { RobustRecoveryParams } from "./params.js";
import { strideFor, variantsFor } from "./run.js";
import { finalOf, noiseLevel, type CurveRow, type FinalRow } from "./tables.js";
import { rowsOf } from "../rows.js";

const LONG = 300_000; // a quick run takes ~1 s of CPU, several times that on a shared machine

const CLAIM_IDS = ["l1-recovers-l2-does-not", "overparam-small-init-recovers", "error-shrinks-with-alpha", "linear-rate", "l2-recovers-without-outliers"];
const FIGURE_IDS = ["error-vs-iteration", "error-vs-p", "error-vs-alpha", "overparam-vs-exact"];

/** A table with each row replaced by `edit(row)`. */
const editRows = <R extends object>(edit: (row: R) => R) => (t: ColumnTable) => aq.from(rowsOf<R>(t).map(edit));

for (const seed of [0, 1, 2]) {
  describe(`robust-recovery quick preset, seed ${seed} (Ma & Fattahi, arXiv:2202.08788)`, () => {
    let record: RunRecord;
    beforeAll(async () => {
      record = await quickRun("robust-recovery", seed);
    }, LONG);

    it("holds every claim it makes: ℓ1 recovers where ℓ2 fails, over-parameterisation is harmless, error shrinks with α, linear rate", () => {
      expect(record.claims.map((c) => c.id)).toEqual(CLAIM_IDS);
      expect(record.claims.filter((c) => !c.holds).map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);
    });

    it("reports only finite metrics, in the metric-key style, one final row per variant, and draws every figure", () => {
      expectFiniteMetrics(record.metrics);
      for (const key of Object.keys(record.metrics)) expect(key).toMatch(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/);
      for (const key of ["l1.finalError", "l2.finalError", "l1Exact.finalError", "l1Exact.rate", "l1Over.rate", "rate.predicted", "alpha.errorRatio", "l1.largestRecoveredP"]) {
        expect(record.metrics[key], key).toBeDefined();
      }
      const final = rowsOf<FinalRow>(record.result.tables.final);
      expect(new Set(final.map((f) => f.variant)).size).toBe(final.length);
      expect(final.every((f) => f.divergedAt === -1 || f.method === "l2")).toBe(true);
      expect(record.figures.map((f) => f.id)).toEqual(FIGURE_IDS);
    });
  });
}

describe("robust-recovery tables (seed 0)", () => {
  it("holds one curve row per variant and recorded iteration, and one final row per variant", async () => {
    const record = await quickRun("robust-recovery", 0);
    const p = record.params as unknown as RobustRecoveryParams;
    const { curves, final } = record.result.tables;
    expect(curves.columnNames()).toEqual(["variant", "method", "p", "alpha", "rPrime", "iter", "error", "loss"]);
    const stride = strideFor(p.T);
    const records = Math.floor(p.T / stride) + 1 + (p.T % stride === 0 ? 0 : 1); // t = 0, stride, …, and T
    expect(curves.numRows()).toBe(variantsFor(p).length * records);
    expect(final.numRows()).toBe(variantsFor(p).length);
  }, LONG);
});

describe("robust-recovery with dense noise σ = 0.05 (quick, seed 0): SubGM recovers to the noise level, not below it", () => {
  let record: RunRecord;
  let p: RobustRecoveryParams;
  beforeAll(async () => {
    record = await quickRun("robust-recovery", 0, { sigma: 0.05 });
    p = record.params as unknown as RobustRecoveryParams;
  }, LONG);

  it("still recovers where ℓ2 GD does not, within 3× the noise level", () => {
    const claim = record.claims.find((c) => c.id === "l1-recovers-l2-does-not")!;
    expect(claim.holds, claim.evidence).toBe(true);
  });

  it("stops within [0.5, 3]× the noise level σ√(π/2·dof/m) without outliers: the noise, not the solver, sets the error", () => {
    const err = finalOf(record.result.tables.final, "l1", 0, p.alpha, p.rPrime)!.finalError;
    const level = noiseLevel(0, p);
    expect(err).toBeGreaterThan(0.5 * level);
    expect(err).toBeLessThan(3 * level);
  });
});

describe("robust-recovery from a large initialisation α = 0.3 (quick, seed 0): the contrast the abstract draws", () => {
  it("overparam-small-init-recovers fails: the over-parameterised run stalls while the exact one still converges linearly", async () => {
    const record = await quickRun("robust-recovery", 0, { alpha: 0.3 });
    const p = record.params as unknown as RobustRecoveryParams;
    const claim = record.claims.find((c) => c.id === "overparam-small-init-recovers")!;
    expect(claim.holds, claim.evidence).toBe(false);
    const final = record.result.tables.final;
    expect(finalOf(final, "l1", p.pMain, p.alpha, p.r)!.finalError).toBeLessThan(1e-6);
    expect(finalOf(final, "l1", p.pMain, p.alpha, p.rPrime)!.finalError).toBeGreaterThan(1e-4);
  }, LONG);
});

describe("robust-recovery claims fail when their evidence says otherwise (seed 0)", () => {
  let record: RunRecord;
  let p: RobustRecoveryParams;
  beforeAll(async () => {
    record = await quickRun("robust-recovery", 0);
    p = record.params as unknown as RobustRecoveryParams;
  }, LONG);

  const withFinal = (edit: (f: FinalRow) => FinalRow): Result => editTable(record.result, "final", editRows(edit));
  const withCurves = (edit: (c: CurveRow) => CurveRow): Result => editTable(record.result, "curves", editRows(edit));
  const is = (x: { method: string; p: number; alpha: number; rPrime: number }, method: string, pp: number, alpha: number, rPrime: number) =>
    x.method === method && x.p === pp && x.alpha === alpha && x.rPrime === rPrime;

  it("l1-recovers-l2-does-not fails when SubGM misses X* at a covered p, and when ℓ2 GD recovers at one", () => {
    const l1Misses = withFinal((f) => (is(f, "l1", 0.3, p.alpha, p.rPrime) ? { ...f, finalError: 0.05 } : f));
    expect(claimOn(record, l1Misses, "l1-recovers-l2-does-not").holds).toBe(false);
    const l2Recovers = withFinal((f) => (is(f, "l2", 0.1, p.alpha, p.rPrime) ? { ...f, finalError: 0.05 } : f));
    expect(claimOn(record, l2Recovers, "l1-recovers-l2-does-not").holds).toBe(false);
    // Beyond pCovered a failing SubGM is drawn, not judged.
    const beyond = withFinal((f) => (is(f, "l1", 0.7, p.alpha, p.rPrime) ? { ...f, finalError: 5 } : f));
    expect(claimOn(record, beyond, "l1-recovers-l2-does-not").holds).toBe(true);
  });

  it("overparam-small-init-recovers fails when the over-parameterised run ends far from X*, and when it converges 4× slower", () => {
    const misses = withFinal((f) => (is(f, "l1", p.pMain, p.alpha, p.rPrime) ? { ...f, finalError: 0.05 } : f));
    expect(claimOn(record, misses, "overparam-small-init-recovers").holds).toBe(false);
    const slow = -Math.log(p.rho) / 4;
    const slower = withCurves((c) => (is(c, "l1", p.pMain, p.alpha, p.rPrime) ? { ...c, error: 1e-2 * Math.exp(-slow * c.iter) } : c));
    expect(claimOn(record, slower, "overparam-small-init-recovers").holds).toBe(false);
  });

  it("error-shrinks-with-alpha fails when a smaller α ends worse, and when the errors shrink by less than 10× over the grid", () => {
    const alphas = [...p.alphas].sort((a, b) => b - a);
    const worse = withFinal((f) => (is(f, "l1", p.pMain, alphas[alphas.length - 1], p.rPrime) ? { ...f, finalError: 1e-2 } : f));
    expect(claimOn(record, worse, "error-shrinks-with-alpha").holds).toBe(false);
    const flat = [1e-3, 5e-4, 2e-4];
    const weak = withFinal((f) => {
      const k = alphas.indexOf(f.alpha);
      return f.method === "l1" && f.p === p.pMain && f.rPrime === p.rPrime && k >= 0 ? { ...f, finalError: flat[k] } : f;
    });
    expect(claimOn(record, weak, "error-shrinks-with-alpha").holds).toBe(false);
  });

  it("linear-rate fails when the exact run falls 3× faster than ρᵗ, and when it decays like a power law", () => {
    const rate = -Math.log(p.rho);
    const fast = withCurves((c) => (is(c, "l1", p.pMain, p.alpha, p.r) ? { ...c, error: 1e-2 * Math.exp(-3 * rate * c.iter) } : c));
    expect(claimOn(record, fast, "linear-rate").holds).toBe(false);
    const power = withCurves((c) => (is(c, "l1", p.pMain, p.alpha, p.r) ? { ...c, error: 1e-2 * (1 + c.iter / 10) ** -2 } : c));
    expect(claimOn(record, power, "linear-rate").holds).toBe(false);
  });

  it("the sanity check l2-recovers-without-outliers fails when ℓ2 GD misses X* without outliers", () => {
    const broken = withFinal((f) => (is(f, "l2", 0, p.alpha, p.rPrime) ? { ...f, finalError: 0.5 } : f));
    const claim = claimOn(record, broken, "l2-recovers-without-outliers");
    expect(claim.kind).toBe("sanity");
    expect(claim.holds).toBe(false);
  });

  it("judged again from its tables and params alone, the run gives the same verdicts and evidence", () => {
    expect(rejudge(record, record.result)).toEqual([...record.claims]);
  });
});

describe("robust-recovery plans", () => {
  const plan = (params: Record<string, unknown>) => () => resolvePlan("robust-recovery", { preset: "quick", params });

  it("refuses, before running, an r′ that is not over-parameterised or exceeds n", () => {
    expect(plan({ rPrime: 2 })).toThrow(UsageError);
    expect(plan({ rPrime: 2 })).toThrow(/rPrime=2 with r=2, n=15; allowed: r < rPrime <= n/);
    expect(plan({ rPrime: 16 })).toThrow(/allowed: r < rPrime <= n/);
    expect(plan({ r: 20, rPrime: 30 })).toThrow(/r=20 exceeds n=15/);
  });

  it("refuses a pMain above pCovered, a sweep with no covered p, too few α, and an A over 512 MiB", () => {
    expect(plan({ pMain: 0.5 })).toThrow(/pMain=0.5 exceeds pCovered=0.3/);
    expect(plan({ ps: [0.5, 0.7] })).toThrow(/has no p <= pCovered=0.3/);
    expect(plan({ alphas: [1e-3, 1e-3] })).toThrow(/fewer than 2 distinct values/);
    expect(plan({ n: 100, m: 20000, rPrime: 8 })).toThrow(/allowed: m·n² <= 67108864/);
  });

  it("refuses an outlier fraction of 1 or more through the schema", () => {
    expect(plan({ ps: [0, 1] })).toThrow(UsageError);
    expect(plan({ pMain: 1 })).toThrow(/pMain=1 is out of range/);
  });

  it("accepts the presets", () => {
    for (const preset of ["quick", "paper", "reference"]) expect(() => resolvePlan("robust-recovery", { preset })).not.toThrow();
  });
});
