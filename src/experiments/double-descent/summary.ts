/**
 * Reading a sweep back out of the long `curves` table: one curve is the rows of one probe,
 * feature family and variant, sorted by the swept size. The statistics here are what the claims
 * and the headline metrics are made of, so both always agree.
 */
import type { ColumnTable } from "arquero";
import type { FeatureKind } from "./features.js";
import type { DoubleDescentTables } from "./run.js";

export interface Curve {
  size: number[];
  ratio: number[];
  testRisk: number[];
  testError: number[];
  norm: number[];
  trainRisk: number[];
  /** Estimated condition number of the system each point was solved with (see model.ts). */
  kappa: number[];
}

export function curveOf(curves: ColumnTable, probe: string, features: string, variant: string): Curve {
  const col = (name: string) => curves.array(name) as ArrayLike<unknown>;
  const P = col("probe"), F = col("features"), V = col("variant");
  const idx: number[] = [];
  for (let i = 0; i < curves.numRows(); i++) if (P[i] === probe && F[i] === features && V[i] === variant) idx.push(i);
  const pick = (name: string) => {
    const a = col(name) as ArrayLike<number>;
    return idx.map((i) => a[i]);
  };
  const out: Curve = {
    size: pick("size"), ratio: pick("ratio"), testRisk: pick("testRisk"),
    testError: pick("testError"), norm: pick("norm"), trainRisk: pick("trainRisk"), kappa: pick("kappa"),
  };
  const order = out.size.map((_, i) => i).sort((a, b) => out.size[a] - out.size[b]);
  for (const key of Object.keys(out) as (keyof Curve)[]) out[key] = order.map((i) => out[key][i]);
  return out;
}

/** Index of the largest entry (the first one on ties). */
export function argmax(xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

/** Index of the grid point whose ratio is closest to `target` in log scale. */
export function nearest(ratios: number[], target: number): number {
  let best = 0;
  for (let i = 1; i < ratios.length; i++) {
    if (Math.abs(Math.log(ratios[i] / target)) < Math.abs(Math.log(ratios[best] / target))) best = i;
  }
  return best;
}

/**
 * The largest factor by which the curve rises as the swept size grows: max over i < j of
 * y_j / y_i. 1 for a non-increasing curve; a double-descent peak makes it large.
 */
export function riseFactor(ys: number[]): { factor: number; from: number; to: number } {
  let best = { factor: 1, from: 0, to: 0 };
  let lo = 0;
  for (let j = 1; j < ys.length; j++) {
    if (ys[j] / ys[lo] > best.factor) best = { factor: ys[j] / ys[lo], from: lo, to: j };
    if (ys[j] < ys[lo]) lo = j;
  }
  return best;
}

/** The critical region around the threshold, as ratios N/n (or N/n sample-wise). */
export const criticalRegion = [0.5, 2] as const;

/**
 * Geometric mean of the test risk over the critical region: the height of the peak as a whole.
 * The single point N = n is a poor measure of it: there the risk is dominated by 1/σ_min(Φ)²,
 * whose fluctuations from draw to draw are heavy-tailed.
 */
export function peakRegionRisk(c: Curve): number {
  let s = 0, k = 0;
  c.ratio.forEach((r, i) => {
    if (r >= criticalRegion[0] && r <= criticalRegion[1]) {
      s += Math.log(c.testRisk[i]);
      k++;
    }
  });
  return Math.exp(s / k);
}

/**
 * Geometric mean of the test risk away from the threshold, at the grid points outside the critical
 * region (N/n below its lower end or above its upper end): the baseline the peak rises from. NaN
 * when the grid has no such point.
 */
export function awayRegionRisk(c: Curve): number {
  let s = 0, k = 0;
  c.ratio.forEach((r, i) => {
    if (r < criticalRegion[0] || r > criticalRegion[1]) {
      s += Math.log(c.testRisk[i]);
      k++;
    }
  });
  return k > 0 ? Math.exp(s / k) : NaN;
}

/**
 * How far the peak stands above its own baseline: the critical region's risk over the risk away
 * from it. Label noise raises the risk everywhere; this ratio says whether the peak grows more.
 */
export const peakRise = (c: Curve): number => peakRegionRisk(c) / awayRegionRisk(c);

/** Pointwise minimum over several curves on the same grid, and which curve attains it. */
export function envelope(curves: Curve[]): { testRisk: number[]; which: number[] } {
  const testRisk: number[] = [], which: number[] = [];
  for (let i = 0; i < curves[0].size.length; i++) {
    let w = 0;
    for (let c = 1; c < curves.length; c++) if (curves[c].testRisk[i] < curves[w].testRisk[i]) w = c;
    testRisk.push(curves[w].testRisk[i]);
    which.push(w);
  }
  return { testRisk, which };
}

export interface Peak {
  ratio: number;
  risk: number;
  half: { ratio: number; risk: number };
  far: { ratio: number; risk: number };
  normRatio: number;
}

/** The test-risk peak of a model-wise curve, and the risks at N ≈ n/2 and N ≈ 10n. */
export function peakOf(c: Curve): Peak {
  const i = argmax(c.testRisk);
  const h = nearest(c.ratio, 0.5), f = nearest(c.ratio, 10);
  return {
    ratio: c.ratio[i], risk: c.testRisk[i],
    half: { ratio: c.ratio[h], risk: c.testRisk[h] },
    far: { ratio: c.ratio[f], risk: c.testRisk[f] },
    normRatio: c.ratio[argmax(c.norm)],
  };
}

/** The variants of one probe in the table, in order of appearance. */
export function variants(curves: ColumnTable, probe: string): string[] {
  const P = curves.array("probe") as ArrayLike<string>, V = curves.array("variant") as ArrayLike<string>;
  const out: string[] = [];
  for (let i = 0; i < P.length; i++) if (P[i] === probe && !out.includes(V[i])) out.push(V[i]);
  return out;
}

/** Test loss against rank: its most prominent interior peak, loss / max(best to the left, best to the right). */
export function loraPeak(ranks: number[], loss: number[]): { prominence: number; rank: number } {
  let best = { prominence: 1, rank: NaN };
  for (let j = 1; j < loss.length - 1; j++) {
    const left = Math.min(...loss.slice(0, j)), right = Math.min(...loss.slice(j + 1));
    const prom = loss[j] / Math.max(left, right);
    if (prom > best.prominence) best = { prominence: prom, rank: ranks[j] };
  }
  return best;
}

/** One method's rows of the lora table, in rank order. */
export function loraCurve(lora: ColumnTable, method: string) {
  const M = lora.array("method") as ArrayLike<string>;
  const idx: number[] = [];
  for (let i = 0; i < M.length; i++) if (M[i] === method) idx.push(i);
  const pick = (col: string) => idx.map((i) => (lora.array(col) as ArrayLike<number>)[i]);
  const rank = pick("rank"), order = rank.map((_, i) => i).sort((a, b) => rank[a] - rank[b]);
  const sorted = (xs: number[]) => order.map((i) => xs[i]);
  return { rank: sorted(rank), train: sorted(pick("trainLoss")), test: sorted(pick("testLoss")), error: sorted(pick("testError")) };
}

export interface TheoryRow { gamma: number; risk: number; se: number; closedForm: number }

export function theoryRows(theory: ColumnTable): TheoryRow[] {
  const col = (c: string) => theory.array(c) as ArrayLike<number>;
  const g = col("gamma"), r = col("risk"), se = col("se"), cf = col("closedForm");
  return Array.from(g, (gamma, i) => ({ gamma, risk: r[i], se: se[i], closedForm: cf[i] }));
}

/** "Away from γ = 1": at least this factor from it, either side (γ ≤ 0.8 or γ ≥ 1.25). */
export const awayFrom = 1.25;

/** The γ away from 1, where the closed form is compared. */
export const awayFromThreshold = (rows: TheoryRow[]) =>
  rows.filter((t) => Math.abs(Math.log(t.gamma)) >= Math.log(awayFrom) - 1e-12);

/** The LoRA probe's two methods (the `method` column of the lora table) and their metric-key words. */
const loraMethods = [
  { method: "LoRA", key: "lora" },
  { method: "LoRA-GGPO", key: "ggpo" },
] as const;

/** The metric-key word of a label-noise variant: "noise 10%" → "percent10". */
const noiseKey = (variant: string) => `percent${variant.replace(/^noise /, "").replace(/%$/, "")}`;

/**
 * The flat headline numbers of a run: what `--json` prints and the report tabulates. `main` is
 * the feature family of the ridge, label-noise and sample-wise probes (`mainFeatures(params)`).
 */
export function metricsOf(tables: DoubleDescentTables, main: FeatureKind): Record<string, number> {
  const m: Record<string, number> = {};
  const { curves, theory, lora } = tables;
  if (curves) {
    for (const kind of ["relu", "fourier"]) {
      const c = curveOf(curves, "model-wise", kind, "min-norm");
      if (c.size.length === 0) continue;
      const pk = peakOf(c);
      m[`modelWise.${kind}.peakRatio`] = pk.ratio;
      m[`modelWise.${kind}.peakRisk`] = pk.risk;
      m[`modelWise.${kind}.riskAtHalf`] = pk.half.risk;
      m[`modelWise.${kind}.riskAt10n`] = pk.far.risk;
      m[`modelWise.${kind}.normPeakRatio`] = pk.normRatio;
      m[`modelWise.${kind}.errorAt10n`] = c.testError[nearest(c.ratio, 10)];
      m[`modelWise.${kind}.kappaAtThreshold`] = c.kappa[nearest(c.ratio, 1)];
    }
    if (variants(curves, "ridge").length > 0) {
      const zero = curveOf(curves, "ridge", main, "λ=0");
      const env = envelope(variants(curves, "ridge").filter((v) => v !== "λ=0").map((v) => curveOf(curves, "ridge", main, v)));
      m["ridge.minNormRise"] = riseFactor(zero.testRisk).factor;
      m["ridge.optimalRise"] = riseFactor(env.testRisk).factor;
      m["ridge.optimalRiskAtThreshold"] = env.testRisk[nearest(zero.ratio, 1)];
    }
    for (const v of variants(curves, "label-noise")) {
      const c = curveOf(curves, "label-noise", main, v);
      m[`labelNoise.${noiseKey(v)}.peakRisk`] = Math.max(...c.testRisk);
      m[`labelNoise.${noiseKey(v)}.peakRegionRisk`] = peakRegionRisk(c);
      const rise = peakRise(c);
      if (Number.isFinite(rise)) {
        m[`labelNoise.${noiseKey(v)}.awayRisk`] = awayRegionRisk(c);
        m[`labelNoise.${noiseKey(v)}.peakRise`] = rise;
      }
    }
    const s = curveOf(curves, "sample-wise", main, "min-norm");
    if (s.size.length > 0) {
      const h = riseFactor(s.testRisk);
      m["sampleWise.hurtFactor"] = h.factor;
      m["sampleWise.hurtFrom"] = s.size[h.from];
      m["sampleWise.hurtTo"] = s.size[h.to];
    }
  }
  if (theory) {
    const rows = theoryRows(theory);
    m["theory.peakGamma"] = rows[argmax(rows.map((t) => t.risk))].gamma;
    const away = awayFromThreshold(rows);
    m["theory.maxRelDeviation"] = Math.max(...away.map((t) => Math.abs(t.risk - t.closedForm) / t.closedForm));
  }
  if (lora) {
    for (const { method, key } of loraMethods) {
      const c = loraCurve(lora, method);
      if (c.rank.length === 0) continue;
      m[`loraRank.${key}.peakProminence`] = loraPeak(c.rank, c.test).prominence;
      m[`loraRank.${key}.bestTestLoss`] = Math.min(...c.test);
      m[`loraRank.${key}.worstTestLoss`] = Math.max(...c.test);
      m[`loraRank.${key}.trainLossAtMaxRank`] = c.train[c.train.length - 1];
    }
  }
  return m;
}
