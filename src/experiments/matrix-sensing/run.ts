/**
 * One run: a ground truth, one sensing operator, and every variant of the paper's comparison
 * trained side by side on the same measurements, recording ‖X_t − M*‖_F / ‖M*‖_F.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Result, RunContext, Tables } from "../types.js";
import { applyA, gaussianOperator, groundTruth, initFactors, rebalance, type Factors, type Family } from "./model.js";
import { sensingOperator } from "./operator.js";
import type { MatrixSensingParams } from "./params.js";
import { fitRate, type RateFit } from "./rates.js";

export interface Variant {
  /** Stable key for the curves table, e.g. 'asym-a0.03'. */
  id: string;
  /** Prefix of its metrics, in the metric-key style: 'asymExact', 'asym.alpha0p03'. */
  metric: string;
  /** Legend text, e.g. 'FGᵀ, α=0.03'. */
  label: string;
  family: Family;
  /** True for the exact parameterisation k = r. */
  exact: boolean;
  k: number;
  alpha: number;
  /** One-step method: the iteration at which F, G were re-factored (−1 if never). */
  switchIter: number;
}

export interface MatrixSensingTables extends Tables {
  /** One row per variant × recorded iteration (variant, id, family, alpha, k, iter, relError). */
  curves: ColumnTable;
}

export type MatrixSensingResult = Result<MatrixSensingTables>;

/** The variants compared: XXᵀ at k = r and k > r, FGᵀ at k = r, then FGᵀ and the one-step method at each α (k > r). */
export function variantsFor(p: MatrixSensingParams): Variant[] {
  const alphaKey = (a: number) => `alpha${String(a).replace(/\./g, "p").replace(/-/g, "m")}`;
  const v: Variant[] = [
    { id: "sym-exact", metric: "symExact", label: `XXᵀ, k=r=${p.r}`, family: "symmetric", exact: true, k: p.r, alpha: p.alphaSym, switchIter: -1 },
    { id: "sym-over", metric: "symOver", label: `XXᵀ, k=${p.k}`, family: "symmetric", exact: false, k: p.k, alpha: p.alphaSym, switchIter: -1 },
    // Not one of the paper's plotted curves, but the rate §5 says the one-step method recovers.
    { id: "asym-exact", metric: "asymExact", label: `FGᵀ, k=r=${p.r}`, family: "asymmetric", exact: true, k: p.r, alpha: p.alphaSym, switchIter: -1 },
  ];
  for (const a of p.alphas) v.push({ id: `asym-a${a}`, metric: `asym.${alphaKey(a)}`, label: `FGᵀ, α=${a}`, family: "asymmetric", exact: false, k: p.k, alpha: a, switchIter: -1 });
  for (const a of p.alphas) v.push({ id: `onestep-a${a}`, metric: `oneStep.${alphaKey(a)}`, label: `one-step, α=${a}`, family: "one-step", exact: false, k: p.k, alpha: a, switchIter: -1 });
  return v;
}

/**
 * The variants of a finished run: those of its params, with each one-step run's switch iteration
 * read back from the metrics (so a result from the sweep cache gives the same variants).
 */
export function variantsOf(r: MatrixSensingResult, p: MatrixSensingParams): Variant[] {
  return variantsFor(p).map((v) => (v.family === "one-step" ? { ...v, switchIter: r.metrics[`${v.metric}.switchIter`] ?? -1 } : v));
}

export async function run(p: MatrixSensingParams, ctx: RunContext): Promise<MatrixSensingResult> {
  const { n, m, T, eta } = p;
  const n2 = n * n;
  const { M, norm } = groundTruth(n, p.r, p.kappa, ctx.rng.fork("ground truth"));
  const A = gaussianOperator(m, n, ctx.rng.fork("operator")); // [m, n, n]
  const y = new Float64Array(m);
  applyA(A, m, n2, M, 1, y);
  let yNorm = 0;
  for (let i = 0; i < m; i++) yNorm += y[i] * y[i];
  yNorm = Math.sqrt(yNorm);

  const variants = variantsFor(p);
  const V = variants.length;
  // Same standard-normal draws for every variant of a family, so runs differ only in k and α.
  const base = (label: string, k: number) => ctx.rng.fork(label).normals(2 * n * k);
  const models: Factors[] = variants.map((v) =>
    initFactors(v.family, n, v.k, v.alpha, base(`${v.family === "symmetric" ? "sym" : "asym"} k=${v.k}`, v.k)),
  );

  // X_v, residuals R_v and gradients S_v = Aᵀ(R_v) live in the operator's (padded) buffers.
  const op = sensingOperator(A, m, n2, V, { kMax: Math.max(...variants.map((v) => v.k)) });
  const { X, R, ld, mp } = op;
  op.Y.set(y);
  models.forEach((f, v) => op.adopt(f, v)); // the factors now live beside X and S
  const stride = Math.max(1, Math.floor(T / 1000));
  const rows = { variant: [] as string[], id: [] as string[], family: [] as string[], alpha: [] as number[], k: [] as number[], iter: [] as number[], relError: [] as number[] };
  const record = (t: number) => {
    for (let v = 0; v < V; v++) {
      let s = 0;
      for (let j = 0; j < n2; j++) s += (X[v * ld + j] - M[j]) ** 2;
      const w = variants[v];
      rows.variant.push(w.label); rows.id.push(w.id); rows.family.push(w.family); rows.alpha.push(w.alpha); rows.k.push(w.k);
      rows.iter.push(t);
      rows.relError.push(Math.sqrt(s) / norm);
    }
  };

  try {
    for (let v = 0; v < V; v++) op.product(models[v], v); // X_0; each later X_t comes with its step
    for (let t = 0; t <= T; t++) {
      if (t % stride === 0 || t === T) record(t);
      if (t === T) break;
      // R_v = (A(X_v) − y)/m and S_v = Aᵀ(R_v) = ∇_X L: one pass over A for all variants
      op.gradient();
      for (let v = 0; v < V; v++) {
        let rr = 0;
        for (let i = 0; i < m; i++) rr += R[v * mp + i] * R[v * mp + i];
        // §5: the one-step method acts once, when the (observable) residual says we are near M*.
        // Re-factoring leaves F Gᵀ, hence S_v, as they are.
        const w = variants[v];
        if (w.family === "one-step" && w.switchIter < 0 && Math.sqrt(rr) * m <= p.tau * yNorm) {
          rebalance(models[v]);
          w.switchIter = t;
        }
      }
      op.advance(models, eta); // the step, then X_{t+1} = F Gᵀ, for every variant
      await ctx.checkpoint(t, T, "GD iteration");
    }
    await ctx.checkpoint(T, T, "GD iteration");
  } finally {
    op.dispose(); // its worker threads (a cancelled run ends here too)
  }

  const curves = aq.table(rows);
  return { tables: { curves }, metrics: metricsOf(curves, variants) };
}

/** One variant's recorded curve, from the long table. */
export function curveOf(curves: ColumnTable, id: string): { iters: number[]; errors: number[] } {
  const ids = curves.array("id") as ArrayLike<string>;
  const it = curves.array("iter") as ArrayLike<number>;
  const er = curves.array("relError") as ArrayLike<number>;
  const iters: number[] = [], errors: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === id) {
      iters.push(it[i]);
      errors.push(er[i]);
    }
  }
  return { iters, errors };
}

/** Each variant's late-window fit (see rates.ts), from the table alone. */
export function fitsOf(curves: ColumnTable, variants: Variant[]): Map<string, RateFit & { finalError: number }> {
  const out = new Map<string, RateFit & { finalError: number }>();
  for (const v of variants) {
    const { iters, errors } = curveOf(curves, v.id);
    out.set(v.id, { ...fitRate(iters, errors, Math.max(v.switchIter, 0)), finalError: errors[errors.length - 1] });
  }
  return out;
}

function metricsOf(curves: ColumnTable, variants: Variant[]): Record<string, number> {
  const metrics: Record<string, number> = {};
  const fits = fitsOf(curves, variants);
  for (const v of variants) {
    const f = fits.get(v.id)!;
    metrics[`${v.metric}.finalError`] = f.finalError;
    metrics[`${v.metric}.rate`] = f.rate;
    // The polynomial exponent is the meaningful number only for the sublinear run.
    if (v.id === "sym-over") metrics[`${v.metric}.loglogSlope`] = f.loglogSlope;
    if (v.family === "one-step") metrics[`${v.metric}.switchIter`] = v.switchIter;
  }
  return metrics;
}
