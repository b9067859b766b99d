/**
 * One run: the ground truth, the measurements and their corruption, then every variant (ℓ1
 * SubGM and ℓ2 GD across p; SubGM across α; SubGM with r′ = r) stepped together over one
 * operator, recorded into the `curves` and `final` tables.
 */
import * as aq from "arquero";
import type { RunContext } from "../types.js";
import { drawCorruption, gaussianMeasurements, groundTruth } from "./model.js";
import type { RobustRecoveryParams } from "./params.js";
import { solve, type VariantSpec } from "./solver.js";
import {
  curveOf, finalOf, fitRate, toleranceAt, variantLabel,
  type CurveRow, type FinalRow, type RobustRecoveryResult, type RobustRecoveryTables,
} from "./tables.js";

/** Every (method, p, α, r′) the run steps, each once, in a fixed order. */
export function variantsFor(p: RobustRecoveryParams): VariantSpec[] {
  const out: VariantSpec[] = [];
  const seen = new Set<string>();
  const add = (v: VariantSpec) => {
    const key = `${v.method} ${v.p} ${v.alpha} ${v.rPrime}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  };
  for (const x of p.ps) {
    add({ method: "l1", p: x, alpha: p.alpha, rPrime: p.rPrime });
    add({ method: "l2", p: x, alpha: p.alpha, rPrime: p.rPrime });
  }
  add({ method: "l1", p: p.pMain, alpha: p.alpha, rPrime: p.rPrime });
  add({ method: "l2", p: p.pMain, alpha: p.alpha, rPrime: p.rPrime });
  add({ method: "l1", p: p.pMain, alpha: p.alpha, rPrime: p.r });
  for (const a of p.alphas) add({ method: "l1", p: p.pMain, alpha: a, rPrime: p.rPrime });
  return out;
}

/** About 200 recorded points per curve. */
export const strideFor = (T: number): number => Math.max(1, Math.round(T / 200));

export async function run(p: RobustRecoveryParams, ctx: RunContext): Promise<RobustRecoveryResult> {
  const truth = groundTruth(p.n, p.r, p.kappa, ctx.rng.fork("truth"));
  const A = gaussianMeasurements(p.m, p.n, ctx.rng.fork("measurements"));
  const corruption = drawCorruption(p.m, ctx.rng.fork("corruption"));
  const variants = variantsFor(p);
  const rMax = Math.max(...variants.map((v) => v.rPrime));
  const base = ctx.rng.fork("init").normals(p.n * rMax);
  const trace = await solve(
    A, truth, corruption, variants,
    { n: p.n, m: p.m, T: p.T, eta0: p.eta0, rho: p.rho, etaL2: p.etaL2, sigma: p.sigma, outlierScale: p.outlierScale, stride: strideFor(p.T) },
    base, rMax, (done, total) => ctx.checkpoint(done, total, "SubGM / GD iterations"),
  );

  const curves: CurveRow[] = [];
  const final: FinalRow[] = [];
  variants.forEach((v, k) => {
    const variant = variantLabel(v.method, v.p, v.alpha, v.rPrime);
    const errors = trace.errors[k];
    trace.iters.forEach((iter, j) => curves.push({ variant, ...v, iter, error: errors[j], loss: trace.losses[k][j] }));
    final.push({ variant, ...v, finalError: errors[errors.length - 1], minError: Math.min(...errors), divergedAt: trace.divergedAt[k] });
  });
  const tables: RobustRecoveryTables = { curves: aq.from(curves), final: aq.from(final) };
  return { tables, metrics: metricsOf(tables, p) };
}

/**
 * Headline numbers, from the tables with the same functions the claims use: the final errors of
 * ℓ1 SubGM and ℓ2 GD at pMain, of the exact run, the fitted and predicted rates, the α ratio and
 * the largest p each method recovers at. A number that is not finite is left out.
 */
export function metricsOf(t: RobustRecoveryTables, p: RobustRecoveryParams): Record<string, number> {
  const metrics: Record<string, number> = {};
  const put = (key: string, x: number | undefined) => {
    if (x !== undefined && Number.isFinite(x)) metrics[key] = x;
  };
  put("l1.finalError", finalOf(t.final, "l1", p.pMain, p.alpha, p.rPrime)?.finalError);
  put("l2.finalError", finalOf(t.final, "l2", p.pMain, p.alpha, p.rPrime)?.finalError);
  put("l1Exact.finalError", finalOf(t.final, "l1", p.pMain, p.alpha, p.r)?.finalError);
  const exact = curveOf(t.curves, "l1", p.pMain, p.alpha, p.r);
  const over = curveOf(t.curves, "l1", p.pMain, p.alpha, p.rPrime);
  if (exact) put("l1Exact.rate", fitRate(exact).rate);
  if (over) put("l1Over.rate", fitRate(over).rate);
  put("rate.predicted", -Math.log(p.rho));
  const alphas = [...new Set(p.alphas)].sort((a, b) => b - a);
  const big = finalOf(t.final, "l1", p.pMain, alphas[0], p.rPrime)?.finalError;
  const small = finalOf(t.final, "l1", p.pMain, alphas[alphas.length - 1], p.rPrime)?.finalError;
  if (big !== undefined && small !== undefined) put("alpha.errorRatio", big / small);
  for (const method of ["l1", "l2"] as const) {
    // The largest p of the sweep up to which every p is recovered (within RECOVERY_TOL or the noise).
    let largest = NaN;
    for (const x of [...new Set(p.ps)].sort((a, b) => a - b)) {
      const f = finalOf(t.final, method, x, p.alpha, p.rPrime);
      if (!f || !(f.finalError <= toleranceAt(x, p))) break;
      largest = x;
    }
    put(`${method}.largestRecoveredP`, largest);
  }
  return metrics;
}
