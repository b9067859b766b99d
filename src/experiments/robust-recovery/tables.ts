/**
 * The run's two long tables, and everything claims, figures and metrics derive from them: each
 * variant's curve, the rate fitted over its late window, the iterations it took to reach a level,
 * and the recovery tolerance at each p. Claims and figures read these tables (and the params)
 * only, so a result read back from the sweep cache is judged and drawn as a fresh one.
 */
import type { ColumnTable } from "arquero";
import { lineFit } from "../lineFit.js";
import type { Result, Tables } from "../types.js";
import type { Method } from "./model.js";
import type { RobustRecoveryParams } from "./params.js";
import { rowsOf } from "../rows.js";

/** `curves`: one row per variant × recorded iteration. */
export interface CurveRow {
  variant: string;
  method: Method;
  p: number;
  alpha: number;
  rPrime: number;
  iter: number;
  /** ‖U_tU_tᵀ − X*‖_F / ‖X*‖_F. */
  error: number;
  /** The loss the variant minimises: (1/m)Σ|r_i| for ℓ1, (1/2m)Σ r_i² for ℓ2 (NaN once diverged). */
  loss: number;
}

/** `final`: one row per variant, at t = T. */
export interface FinalRow {
  variant: string;
  method: Method;
  p: number;
  alpha: number;
  rPrime: number;
  finalError: number;
  minError: number;
  /** Iteration at which the run diverged and was stopped (error held at 1e6), or −1. */
  divergedAt: number;
}

export interface RobustRecoveryTables extends Tables {
  curves: ColumnTable;
  final: ColumnTable;
}

export type RobustRecoveryResult = Result<RobustRecoveryTables>;


const methodName = { l1: "ℓ1 SubGM", l2: "ℓ2 GD" } as const;

/** The label a variant has in every table and figure, e.g. "ℓ1 SubGM, p=0.2, α=1e-3, r′=8". */
export function variantLabel(method: Method, p: number, alpha: number, rPrime: number): string {
  return `${methodName[method]}, p=${p}, α=${alpha.toExponential(0)}, r′=${rPrime}`;
}

/** The relative error below which a run counts as recovered with outliers only (σ = 0): 1%. */
export const RECOVERY_TOL = 1e-2;
/** ℓ2 GD "does not recover" when its error is at least this multiple of the tolerance. */
export const FAILURE_FACTOR = 10;

/**
 * The recovery tolerance at outlier fraction p: the larger of RECOVERY_TOL and 3× the dense-noise
 * level σ·√(π/2 · dof / m_in), the error of an ℓ1 fit of dof = nr − r(r−1)/2 parameters to the
 * m_in = (1−p)m inliers (√(π/2): the ℓ1 estimator's efficiency against Gaussian noise).
 */
export function toleranceAt(p: number, q: Pick<RobustRecoveryParams, "n" | "r" | "m" | "sigma">): number {
  return Math.max(RECOVERY_TOL, 3 * noiseLevel(p, q));
}

/**
 * The relative error dense noise alone leaves at outlier fraction p: σ·√(π/2 · dof / m_in), the
 * asymptotic error of a least-absolute-deviations fit of dof = nr − r(r−1)/2 parameters (PSD rank-r
 * matrices) to m_in = (1−p)m Gaussian measurements with noise σ‖X*‖_F (E⟨A_i, Δ⟩² = ‖Δ‖_F²; √(π/2) is
 * the ℓ1 fit's efficiency loss against Gaussian noise). Ours, not the paper's; 0 when σ = 0.
 */
export function noiseLevel(p: number, q: Pick<RobustRecoveryParams, "n" | "r" | "m" | "sigma">): number {
  const dof = q.n * q.r - (q.r * (q.r - 1)) / 2;
  const inliers = Math.max(1, Math.round((1 - p) * q.m));
  return q.sigma * Math.sqrt((Math.PI / 2) * (dof / inliers));
}

export interface Curve {
  iters: number[];
  errors: number[];
}

/** The curve of one variant, by method, p, α and r′ (undefined when the run has no such variant). */
export function curveOf(curves: ColumnTable, method: Method, p: number, alpha: number, rPrime: number): Curve | undefined {
  const rows = rowsOf<CurveRow>(curves)
    .filter((c) => c.method === method && c.p === p && c.alpha === alpha && c.rPrime === rPrime)
    .sort((a, b) => a.iter - b.iter);
  if (rows.length === 0) return undefined;
  return { iters: rows.map((c) => c.iter), errors: rows.map((c) => c.error) };
}

export function finalOf(final: ColumnTable, method: Method, p: number, alpha: number, rPrime: number): FinalRow | undefined {
  return rowsOf<FinalRow>(final).find((f) => f.method === method && f.p === p && f.alpha === alpha && f.rPrime === rPrime);
}

/** The first recorded iteration at which the error is at most `level`; NaN if never. */
export function iterToReach(c: Curve, level: number): number {
  const k = c.errors.findIndex((e) => e <= level);
  return k < 0 ? NaN : c.iters[k];
}

/**
 * Where the late window starts: the first recorded error at most this. By then the escape from
 * α and the overshoot that follows it (while the step is still large) are over.
 */
export const WINDOW_START = 1e-2;
/** The window ends at the first error within this factor of the curve's lowest (before the floor bends it). */
export const WINDOW_END_FACTOR = 10;
/** Iterations to escape the small initialisation: the first recorded error at most this. */
export const ESCAPE_LEVEL = 1e-1;
/** Below this float64 round-off flattens a curve; the window stops there. */
export const FLOOR = 1e-10;

export interface RateFit {
  /** −d ln(error)/dt over the window: the linear rate per iteration. */
  rate: number;
  r2: number;
  from: number;
  to: number;
  points: number;
}

/**
 * The linear rate of a curve over its late window: from the first error ≤ WINDOW_START to the
 * first error within WINDOW_END_FACTOR× of the curve's smallest (an over-parameterised run
 * bends into its α-dependent floor there), or ≤ FLOOR. NaN rate when the window has fewer than 5 points.
 */
export function fitRate(c: Curve): RateFit {
  const start = c.errors.findIndex((e) => e <= WINDOW_START);
  const lowest = Math.min(...c.errors);
  if (start < 0) return { rate: NaN, r2: NaN, from: NaN, to: NaN, points: 0 };
  let end = c.errors.findIndex((e, k) => k >= start && (e <= WINDOW_END_FACTOR * lowest || e <= FLOOR));
  if (end < 0) end = c.errors.length - 1;
  const t = c.iters.slice(start, end + 1), le = c.errors.slice(start, end + 1).map(Math.log);
  if (t.length < 5) return { rate: NaN, r2: NaN, from: c.iters[start], to: c.iters[end], points: t.length };
  const fit = lineFit(t, le);
  return { rate: -fit.slope, r2: fit.r2, from: t[0], to: t[t.length - 1], points: t.length };
}
