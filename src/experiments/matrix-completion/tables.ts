/**
 * The run's tables and what claims, figures and metrics derive from them: the fitted per-step
 * contraction of a curve, the success fraction at each c, and the timing exponents. Everything
 * here reads tables and params only, so a cached result is judged and drawn as a fresh one.
 */
import type { ColumnTable } from "arquero";
import { lineFit } from "../lineFit.js";
import { median } from "../median.js";
import type { Result, Tables } from "../types.js";
import type { Solver } from "./model.js";

/** `curves`: one row per solver × step; step 0 is the spectral start. */
export interface CurveRow {
  solver: Solver;
  iter: number;
  /** ‖X_tY_tᵀ − M‖_F / ‖M‖_F over all entries. */
  error: number;
  /** The part of step t's exact least-squares step the solver left undone (0 for exact updates and at t = 0; see altStepMeasured). */
  solveError: number;
}

/** `success`: one row per (solver, c, trial) of the sweep; both solvers see the same (M, Ω) and start. */
export interface SuccessRow {
  solver: Solver;
  c: number;
  trial: number;
  omega: number;
  finalError: number;
  success: number;
}

/** `timing`: one row per timed half-step (wall seconds, measured in this run; never in metrics). */
export interface TimingRow {
  sweep: "k" | "omega";
  solver: Solver;
  k: number;
  c: number;
  omega: number;
  rep: number;
  seconds: number;
}

export interface MatrixCompletionTables extends Tables {
  curves: ColumnTable;
  success: ColumnTable;
  timing: ColumnTable;
}

export type MatrixCompletionResult = Result<MatrixCompletionTables>;


/** Errors at or below this are at the float64 floor (round-off accumulated over m·n entries and the solves): left out of rate fits. */
export const ROUNDOFF = 1e-10;

/** The steps a rate is fitted on: t ≥ 1 with error still above round-off. */
export const rateWindow = (rows: readonly CurveRow[]): CurveRow[] => rows.filter((r) => r.iter >= 1 && r.error > ROUNDOFF);

/** The per-step contraction factor exp(slope of ln error on step), fitted over the rate window. */
export function contraction(rows: readonly CurveRow[]): { factor: number; points: number } {
  const pts = rateWindow(rows);
  const { slope } = lineFit(pts.map((r) => r.iter), pts.map((r) => Math.log(r.error)));
  return { factor: Math.exp(slope), points: pts.length };
}

export const curveOf = (curves: readonly CurveRow[], solver: Solver) => curves.filter((r) => r.solver === solver).sort((a, b) => a.iter - b.iter);

/** Fraction of one solver's trials that succeeded at each c, ascending in c. */
export function successByC(rows: readonly SuccessRow[], solver: Solver): { c: number; fraction: number; trials: number; omega: number }[] {
  const mine = rows.filter((r) => r.solver === solver);
  const cs = [...new Set(mine.map((r) => r.c))].sort((a, b) => a - b);
  return cs.map((c) => {
    const at = mine.filter((r) => r.c === c);
    return { c, fraction: at.reduce((s, r) => s + r.success, 0) / at.length, trials: at.length, omega: at[0].omega };
  });
}

/** Median seconds per point of one sweep and solver. */
export function medians(rows: readonly TimingRow[], sweep: "k" | "omega", solver: Solver): { k: number; omega: number; seconds: number }[] {
  const at = rows.filter((r) => r.sweep === sweep && r.solver === solver);
  const keys = [...new Set(at.map((r) => `${r.k} ${r.omega}`))];
  return keys
    .map((key) => {
      const pts = at.filter((r) => `${r.k} ${r.omega}` === key);
      return { k: pts[0].k, omega: pts[0].omega, seconds: median(pts.map((r) => r.seconds)) };
    })
    .sort((a, b) => a.k - b.k || a.omega - b.omega);
}

/**
 * The fitted exponents: of the median time per half-step divided by |Ω| against k (the k sweep;
 * 1 for O(|Ω|k), 2 for O(|Ω|k²)), and of the median time against |Ω| (the |Ω| sweep; 1 for both).
 */
export function exponents(rows: readonly TimingRow[], solver: Solver): { k: number; omega: number } {
  const ks = medians(rows, "k", solver);
  const os = medians(rows, "omega", solver);
  return {
    k: lineFit(ks.map((r) => Math.log(r.k)), ks.map((r) => Math.log(r.seconds / r.omega))).slope,
    omega: lineFit(os.map((r) => Math.log(r.omega)), os.map((r) => Math.log(r.seconds))).slope,
  };
}
