/**
 * One run: the convergence of exact and approximate alternating minimisation on one (M, Ω) at
 * c, with how much of each least-squares step the approximate solver left undone; the success
 * sweep over c (both solvers from the same spectral start, fresh M and Ω per trial); the timed
 * half-steps over k and |Ω| for both solvers. Recorded into `curves`, `success` and `timing`.
 */
import * as aq from "arquero";
import type { RunContext } from "../types.js";
import { altStep, altStepMeasured, groundTruth, halfStep, omegaSize, relError, sampleOmega, spectralInit, type Solver } from "./model.js";
import type { MatrixCompletionParams } from "./params.js";
import { median } from "../median.js";
import {
  contraction, curveOf, rateWindow, successByC,
  type CurveRow, type MatrixCompletionResult, type MatrixCompletionTables, type SuccessRow, type TimingRow,
} from "./tables.js";

const SOLVERS: readonly Solver[] = ["exact", "approx"];

export async function run(p: MatrixCompletionParams, ctx: RunContext): Promise<MatrixCompletionResult> {
  const timingPoints = p.timing ? (p.timingKs.length + p.timingCs.length) * SOLVERS.length : 0;
  const total = 2 * p.T + p.successCs.length * p.trials * SOLVERS.length + timingPoints;
  let done = 0;
  const tick = (label: string) => ctx.checkpoint(++done, total, label);

  // Convergence: one (M, Ω), both solvers from the same spectral start.
  const truth = groundTruth(p.m, p.n, p.k, p.kappa, ctx.rng.fork("truth"));
  const obs = sampleOmega(p.m, p.n, omegaSize(p.c, p.m, p.n, p.k), ctx.rng.fork("omega"), (i, j) => truth.M[i * p.n + j]);
  const start = spectralInit(truth, obs);
  const curves: CurveRow[] = [];
  for (const solver of SOLVERS) {
    const X = start.X.slice(), Y = start.Y.slice();
    curves.push({ solver, iter: 0, error: relError(truth, X, Y), solveError: 0 });
    for (let t = 1; t <= p.T; t++) {
      const solveError = altStepMeasured(truth, obs, X, Y, solver, p.cgIters);
      curves.push({ solver, iter: t, error: relError(truth, X, Y), solveError });
      await tick(`${solver} alternating steps`);
    }
  }

  // Success probability against c: both solvers on the same (M, Ω) from the same start.
  const success: SuccessRow[] = [];
  for (const c of p.successCs) {
    for (let trial = 0; trial < p.trials; trial++) {
      const r = ctx.rng.fork(`success ${c} ${trial}`);
      const t = groundTruth(p.m, p.n, p.k, p.kappa, r.fork("truth"));
      const omega = omegaSize(c, p.m, p.n, p.k);
      const o = sampleOmega(p.m, p.n, omega, r.fork("omega"), (i, j) => t.M[i * p.n + j]);
      const init = spectralInit(t, o);
      for (const solver of SOLVERS) {
        const X = init.X.slice(), Y = init.Y.slice();
        for (let s = 0; s < p.T; s++) altStep(t, o, X, Y, solver, p.cgIters);
        const finalError = relError(t, X, Y);
        success.push({ solver, c, trial, omega, finalError, success: finalError <= p.successTol ? 1 : 0 });
        await tick(`success sweep (${solver})`);
      }
    }
  }

  // Wall time of one half-step (X given Y) against k and |Ω|: medians of repeats, after a warm-up.
  const timing: TimingRow[] = [];
  const N = p.timingN;
  const timeAt = async (sweep: "k" | "omega", k: number, c: number) => {
    const r = ctx.rng.fork(`timing ${sweep} ${k} ${c}`);
    const omega = omegaSize(c, N, N, k);
    const vals = r.normals(omega);
    let next = 0;
    const o = sampleOmega(N, N, omega, r.fork("omega"), () => vals[next++]);
    const Y = r.normals(N * k);
    for (const solver of SOLVERS) {
      const X = r.normals(N * k);
      halfStep(X, N, o.rowPtr, o.rowIdx, o.rowVal, Y, k, solver, p.cgIters);
      for (let rep = 0; rep < p.timingRepeats; rep++) {
        const t0 = performance.now();
        halfStep(X, N, o.rowPtr, o.rowIdx, o.rowVal, Y, k, solver, p.cgIters);
        timing.push({ sweep, solver, k, c, omega, rep, seconds: (performance.now() - t0) / 1000 });
      }
      await tick(`timing (${sweep} sweep)`);
    }
  };
  if (p.timing) {
    for (const k of p.timingKs) await timeAt("k", k, p.timingC);
    for (const c of p.timingCs) await timeAt("omega", p.timingK, c);
  }

  const tables: MatrixCompletionTables = { curves: aq.from(curves), success: aq.from(success), timing: timingTable(timing) };
  return { tables, metrics: metricsOf(curves, success, p) };
}

/** The timing table, typed even when empty (quick), so a cached read gives the same columns. */
function timingTable(rows: TimingRow[]) {
  if (rows.length > 0) return aq.from(rows);
  return aq.table({ sweep: [], solver: [], k: [], c: [], omega: [], rep: [], seconds: [] });
}

/** Headline numbers (deterministic for a seed: no timings): final errors, contractions, inexactness, success fractions. */
export function metricsOf(curves: readonly CurveRow[], success: readonly SuccessRow[], p: MatrixCompletionParams): Record<string, number> {
  const metrics: Record<string, number> = {};
  const put = (key: string, x: number | undefined) => {
    if (x !== undefined && Number.isFinite(x)) metrics[key] = x;
  };
  for (const solver of SOLVERS) {
    const c = curveOf(curves, solver);
    put(`${solver}.finalError`, c[c.length - 1]?.error);
    put(`${solver}.contraction`, contraction(c).factor);
    if (solver === "approx") put("approx.solveError", median(rateWindow(c).map((r) => r.solveError)));
    const by = successByC(success, solver);
    put(`${solver}.successAtClaim`, by.find((s) => s.c === p.cClaim)?.fraction);
    put(`${solver}.successAtSmallestC`, by[0]?.fraction);
  }
  put("omega.convergence", omegaSize(p.c, p.m, p.n, p.k));
  put("omega.atClaim", omegaSize(p.cClaim, p.m, p.n, p.k));
  return metrics;
}
