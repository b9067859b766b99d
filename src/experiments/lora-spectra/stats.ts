/**
 * The few statistics the claims need: Spearman's rank correlation (the paper's Fig. 7 reports
 * ρ between intruder count and forgetting) with a percentile bootstrap interval over models,
 * since intruder counts are small integers full of ties and a few dozen models are far from
 * asymptotic (Fisher's z assumes neither); a permutation p-value beside it; and the relative
 * gaps of a spectrum's top, which say whether its top singular vectors are well defined.
 */
import type { Rng } from "../../compute/rng.js";

/** Ranks 1..n, ties given their average rank. */
export function ranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]] === x[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) r[order[t]] = avg;
    i = j + 1;
  }
  return r;
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Spearman's ρ (Pearson correlation of the ranks); NaN when either variable is constant. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(ranks(x), ranks(y));
}

/**
 * One-sided permutation p-value of ρ > 0: the share of `draws` random pairings of y with x
 * whose ρ is at least the observed one (+1 in numerator and denominator, so p is never 0).
 */
export function permutationPValue(x: ArrayLike<number>, y: ArrayLike<number>, rng: Rng, draws = 5000): number {
  const rx = ranks(x);
  const ry = ranks(y);
  const observed = pearson(rx, ry);
  if (Number.isNaN(observed)) return NaN;
  let atLeast = 0;
  const shuffled = new Float64Array(ry);
  for (let d = 0; d < draws; d++) {
    const p = rng.permutation(shuffled.length);
    for (let i = 0; i < p.length; i++) shuffled[i] = ry[p[i]];
    if (pearson(rx, shuffled) >= observed - 1e-12) atLeast++;
  }
  return (atLeast + 1) / (draws + 1);
}

/**
 * Percentile bootstrap interval (Efron & Tibshirani 1993, §13.3) of Spearman's ρ at `level`:
 * `draws` resamples of the n (x, y) pairs with replacement, ρ of each (resamples where x or y is
 * constant, ρ undefined, are dropped and counted), and the (1 ± level)/2 quantiles of the rest.
 */
export function bootstrapSpearman(x: ArrayLike<number>, y: ArrayLike<number>, rng: Rng, level = 0.95, draws = 2000): { lo: number; hi: number; dropped: number } {
  const n = x.length;
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  const rhos: number[] = [];
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      bx[i] = x[j];
      by[i] = y[j];
    }
    const rho = spearman(bx, by);
    if (!Number.isNaN(rho)) rhos.push(rho);
  }
  if (rhos.length === 0) return { lo: NaN, hi: NaN, dropped: draws };
  rhos.sort((a, b) => a - b);
  const at = (q: number) => rhos[Math.min(rhos.length - 1, Math.max(0, Math.floor(q * rhos.length)))];
  return { lo: at((1 - level) / 2), hi: at((1 + level) / 2), dropped: draws - rhos.length };
}

/** (σ_i − σ_{i+1}) / σ_i for i = 1..k (needs k + 1 singular values; fewer gives fewer gaps). */
export function relativeGaps(S: Float64Array, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(k, S.length - 1); i++) out.push(S[i] > 0 ? (S[i] - S[i + 1]) / S[i] : 0);
  return out;
}

