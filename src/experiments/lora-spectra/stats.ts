/**
 * The few statistics the claims need: Spearman's rank correlation (the paper's Fig. 7 reports
 * ρ between intruder count and forgetting) with a permutation test, since intruder counts are
 * small integers full of ties and a handful of models is far from asymptotic; and the relative
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
  const shuffled = Float64Array.from(ry);
  for (let d = 0; d < draws; d++) {
    const p = rng.permutation(shuffled.length);
    for (let i = 0; i < p.length; i++) shuffled[i] = ry[p[i]];
    if (pearson(rx, shuffled) >= observed - 1e-12) atLeast++;
  }
  return (atLeast + 1) / (draws + 1);
}

/** (σ_i − σ_{i+1}) / σ_i for i = 1..k (needs k + 1 singular values; fewer gives fewer gaps). */
export function relativeGaps(S: Float64Array, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(k, S.length - 1); i++) out.push(S[i] > 0 ? (S[i] - S[i + 1]) / S[i] : 0);
  return out;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
