/**
 * The quick preset (60×60 of rank 3, |Ω| = c·n·k·ln n) through the real runner at seeds 0–2,
 * checked against every claim it makes; then, for every claim, the seed-0 run with its tables
 * edited to contradict it, where the claim must fail. The wall-time claims are off in quick (no
 * times measured, so no verdict): they are judged on constructed timing tables instead. Last,
 * the cross-field checks, which refuse a plan before anything runs.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { beforeAll, describe, expect, it } from "vitest";
import { claimOn, editTable, expectFiniteMetrics, quickRun, rejudge } from "../../../test/fixtures/runs.js";
import { UsageError } from "../../compute/usageError.js";
import type { RunRecord } from "../../report/record.js";
import { resolvePlan } from "../../run/plan.js";
import type { Result } from "../types.js";
import { omegaSize } from "./model.js";
import type { MatrixCompletionParams } from "./params.js";
import type { CurveRow, SuccessRow, TimingRow } from "./tables.js";
import { rowsOf } from "../rows.js";

const LONG = 300_000; // a quick run takes ~2 s of CPU, several times that on a shared machine

const CLAIM_IDS = ["approx-converges-linearly", "recovery-at-sample-complexity", "fails-below-threshold", "approx-updates-inexact"];
const TIMING_IDS = ["time-scales-omega-k", "time-linear-in-omega"];
const FIGURE_IDS = ["error-vs-iteration", "success-vs-samples"];

/** A table with each row replaced by `edit(row)`. */
const editRows = <R extends object>(edit: (row: R) => R) => (t: ColumnTable) => aq.from(rowsOf<R>(t).map(edit));

for (const seed of [0, 1, 2]) {
  describe(`matrix-completion quick preset, seed ${seed} (Gu, Song, Yin & Zhang, arXiv:2302.11068)`, () => {
    let record: RunRecord;
    beforeAll(async () => {
      record = await quickRun("matrix-completion", seed);
    }, LONG);

    it("holds every claim it makes: approximate updates converge linearly, both solvers recover at c·n·k·ln n", () => {
      expect(record.claims.map((c) => c.id)).toEqual(CLAIM_IDS);
      expect(record.claims.filter((c) => !c.holds).map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);
    });

    it("reports only finite metrics, in the metric-key style, and no wall times", () => {
      expectFiniteMetrics(record.metrics);
      for (const key of Object.keys(record.metrics)) expect(key).toMatch(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/);
      for (const key of ["exact.finalError", "approx.finalError", "exact.contraction", "approx.contraction", "approx.solveError", "approx.successAtClaim", "exact.successAtClaim", "omega.atClaim"]) {
        expect(record.metrics[key], key).toBeDefined();
      }
      expect(Object.keys(record.metrics).some((k) => /second|time|ms/i.test(k))).toBe(false);
      expect(record.metrics["approx.finalError"]).toBeLessThan(1e-10);
    });
  });
}

describe("matrix-completion tables and figures (seed 0)", () => {
  let record: RunRecord;
  let p: MatrixCompletionParams;
  beforeAll(async () => {
    record = await quickRun("matrix-completion", 0);
    p = record.params as unknown as MatrixCompletionParams;
  }, LONG);

  it("records one curve row per solver and step, one success row per solver, c and trial", () => {
    const { curves, success } = record.result.tables;
    expect(curves.columnNames()).toEqual(["solver", "iter", "error", "solveError"]);
    expect(curves.numRows()).toBe(2 * (p.T + 1));
    expect(success.columnNames()).toEqual(["solver", "c", "trial", "omega", "finalError", "success"]);
    expect(success.numRows()).toBe(2 * p.successCs.length * p.trials);
    for (const s of rowsOf<SuccessRow>(success)) expect(s.omega).toBe(omegaSize(s.c, p.m, p.n, p.k));
    // The exact solver leaves nothing of its least-squares step undone; the approximate one does.
    const rows = rowsOf<CurveRow>(curves);
    expect(rows.filter((c) => c.solver === "exact").every((c) => c.solveError === 0)).toBe(true);
    expect(rows.filter((c) => c.solver === "approx" && c.iter === 1)[0].solveError).toBeGreaterThan(0);
  });

  it("measures no wall time in quick: the timing table is empty with its columns, and no timing figure is drawn", () => {
    expect(p.timing).toBe(false);
    expect(record.result.tables.timing.numRows()).toBe(0);
    expect(record.result.tables.timing.columnNames()).toEqual(["sweep", "solver", "k", "c", "omega", "rep", "seconds"]);
    expect(record.figures.map((f) => f.id)).toEqual(FIGURE_IDS);
    expect((record.figures[0].plot.y as { type: string }).type).toBe("log");
  });
});

/** A timing table as run.ts writes one, with seconds = cost(k, |Ω|) per solver (times a fixed ±5% jitter per repeat). */
function timingTable(p: MatrixCompletionParams, cost: Record<"exact" | "approx", (k: number, omega: number) => number>): ColumnTable {
  const rows: TimingRow[] = [];
  const N = p.timingN;
  const add = (sweep: "k" | "omega", k: number, c: number) => {
    const omega = omegaSize(c, N, N, k);
    for (const solver of ["exact", "approx"] as const) {
      for (let rep = 0; rep < 3; rep++) rows.push({ sweep, solver, k, c, omega, rep, seconds: cost[solver](k, omega) * (1 + 0.05 * (rep - 1)) });
    }
  };
  for (const k of p.timingKs) add("k", k, p.timingC);
  for (const c of p.timingCs) add("omega", p.timingK, c);
  return aq.from(rows);
}

describe("matrix-completion claims fail when their evidence says otherwise (seed 0)", () => {
  let record: RunRecord;
  let p: MatrixCompletionParams;
  beforeAll(async () => {
    record = await quickRun("matrix-completion", 0);
    p = record.params as unknown as MatrixCompletionParams;
  }, LONG);

  const withCurves = (edit: (c: CurveRow) => CurveRow): Result => editTable(record.result, "curves", editRows(edit));
  const withSuccess = (edit: (s: SuccessRow) => SuccessRow): Result => editTable(record.result, "success", editRows(edit));
  const approxCurve = (error: (t: number) => number) => withCurves((c) => (c.solver === "approx" && c.iter >= 1 ? { ...c, error: error(c.iter) } : c));

  it("approx-converges-linearly fails when the approximate run decays like 1/t², stalls at 1e-4, or contracts only by 0.6 a step", () => {
    expect(claimOn(record, approxCurve((t) => 0.1 / t ** 2), "approx-converges-linearly").holds).toBe(false);
    expect(claimOn(record, approxCurve((t) => Math.max(1e-4, 0.1 * 0.2 ** t)), "approx-converges-linearly").holds).toBe(false);
    // 0.6ᵗ reaches 1e-8 by t = 40 and is linear, but needs over twice the exact run's steps per decade (its factor is ≈ 0.2)
    expect(record.metrics["exact.contraction"]).toBeLessThan(0.3);
    expect(claimOn(record, approxCurve((t) => 0.1 * 0.6 ** t), "approx-converges-linearly").holds).toBe(false);
    // the same shape at 0.3 a step is linear and comparable: the claim holds
    expect(claimOn(record, approxCurve((t) => 0.1 * 0.3 ** t), "approx-converges-linearly").holds).toBe(true);
  });

  it("recovery-at-sample-complexity fails when the approximate solver, or the exact one, misses M in most trials at the claimed c", () => {
    for (const solver of ["approx", "exact"]) {
      const missed = withSuccess((s) => (s.solver === solver && s.c === p.cClaim && s.trial > 0 ? { ...s, finalError: 1e-2, success: 0 } : s));
      const claim = claimOn(record, missed, "recovery-at-sample-complexity");
      expect(claim.holds, solver).toBe(false);
      expect(claim.evidence).toContain("16.7% of 6 trials");
    }
  });

  it("the sanity check fails-below-threshold fails when recovery succeeds at the smallest c too", () => {
    const cMin = Math.min(...p.successCs);
    const easy = withSuccess((s) => (s.c === cMin ? { ...s, finalError: 1e-12, success: 1 } : s));
    const claim = claimOn(record, easy, "fails-below-threshold");
    expect(claim.kind).toBe("sanity");
    expect(claim.holds).toBe(false);
  });

  it("the sanity check approx-updates-inexact fails when the approximate updates are exact to round-off", () => {
    const exactInDisguise = withCurves((c) => (c.solver === "approx" ? { ...c, solveError: c.iter === 0 ? 0 : 1e-13 } : c));
    const claim = claimOn(record, exactInDisguise, "approx-updates-inexact");
    expect(claim.kind).toBe("sanity");
    expect(claim.holds).toBe(false);
  });

  it("judged again from its tables and params alone, the run gives the same verdicts and evidence", () => {
    expect(rejudge(record, record.result)).toEqual([...record.claims]);
  });

  describe("the wall-time claims, judged on constructed timing tables (quick measures none)", () => {
    const timed = () => ({ ...record.params, timing: true });
    const withTiming = (cost: Parameters<typeof timingTable>[1]) => editTable(record.result, "timing", () => timingTable(p, cost));
    const paperCosts = { exact: (k: number, o: number) => 1e-8 * o * k * k, approx: (k: number, o: number) => 3e-8 * o * k };

    it("gives no verdict on wall time when timing is off, and fails both claims when timing is on but nothing was timed", () => {
      expect(record.claims.map((c) => c.id).filter((id) => TIMING_IDS.includes(id))).toEqual([]);
      for (const id of TIMING_IDS) {
        const claim = claimOn(record, record.result, id, timed());
        expect(claim.holds, id).toBe(false);
        expect(claim.evidence).toContain("NaN");
      }
    });

    it("both hold on times that grow like |Ω|k (approximate) and |Ω|k² (exact)", () => {
      for (const id of TIMING_IDS) expect(claimOn(record, withTiming(paperCosts), id, timed()).holds, id).toBe(true);
    });

    it("time-scales-omega-k fails when the approximate solver's time grows like |Ω|k², and when the exact one's grows only like |Ω|k", () => {
      const quadratic = withTiming({ ...paperCosts, approx: (k, o) => 3e-8 * o * k * k });
      expect(claimOn(record, quadratic, "time-scales-omega-k", timed()).holds).toBe(false);
      const linear = withTiming({ ...paperCosts, exact: (k, o) => 1e-8 * o * k });
      expect(claimOn(record, linear, "time-scales-omega-k", timed()).holds).toBe(false);
    });

    it("time-linear-in-omega fails when the time grows like |Ω|² at fixed k", () => {
      const squared = withTiming({ ...paperCosts, approx: (k, o) => 1e-12 * o * o * k });
      expect(claimOn(record, squared, "time-linear-in-omega", timed()).holds).toBe(false);
    });
  });
});

describe("matrix-completion plans", () => {
  const plan = (params: Record<string, unknown>) => () => resolvePlan("matrix-completion", { preset: "quick", params });

  it("refuses, before running, CGLS iterations that would make the approximate solver exact", () => {
    expect(plan({ cgIters: 3 })).toThrow(UsageError);
    expect(plan({ cgIters: 3 })).toThrow(/cgIters=3 with k=3; allowed: cgIters < k/);
  });

  it("refuses a claimed c outside the sweep, a repeated c, and a c that asks for more samples than M has", () => {
    expect(plan({ cClaim: 5 })).toThrow(/cClaim=5 is not in successCs=0.5,1,2,3; allowed: one of successCs/);
    expect(plan({ successCs: [1, 1, 3] })).toThrow(/successCs=1,1,3 repeats a value/);
    expect(plan({ c: 20 })).toThrow(/allowed: c·n·k·ln n <= m·n/);
    expect(plan({ k: 61 })).toThrow(UsageError);
  });

  it("checks the timing fields only when timing is on", () => {
    expect(plan({ timingN: 20 })).not.toThrow();
    expect(plan({ timing: true, timingN: 20 })).toThrow(/allowed: c·n·k·ln n <= timingN² at every timing point/);
    expect(plan({ timing: true, timingKs: [4, 4] })).toThrow(/timingKs=4,4, timingCs=2,4; allowed: at least 2 distinct values each/);
  });

  it("accepts the presets", () => {
    for (const preset of ["quick", "paper", "reference"]) expect(() => resolvePlan("matrix-completion", { preset })).not.toThrow();
  });
});
