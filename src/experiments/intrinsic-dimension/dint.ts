/**
 * d_int90 (Li et al. 2018, arXiv:1804.08838, §2): the smallest subspace dimension d whose mean
 * validation accuracy over runs reaches 90% of a baseline. Two baselines are in use and both are
 * reported, named:
 *  - "absolute": baseline 1.0, i.e. 90% accuracy. The authors' plotting notebook uses this for
 *    the MNIST headline numbers (FC 750, LeNet 290).
 *  - "relative": baseline = the directly trained network's own accuracy, so the threshold is
 *    0.9·acc_direct (≈0.88 on MNIST); the same data then give ≈525–575 for the FC net.
 * Between grid points the crossing is interpolated linearly in log d (the sweep is log-spaced),
 * and a bootstrap over runs gives an interval.
 */
import type { Rng } from "../../compute/rng.js";

export type Baseline = "absolute" | "relative";

/** Validation accuracies of every run at each d, d ascending. */
export interface Sweep {
  d: number[];
  acc: number[][];
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

export function std(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/**
 * The first crossing of `threshold` by the curve (d, meanAcc): interpolated in log d, d[0] when
 * the first point already reaches it, and NaN when no point does.
 */
export function crossing(d: number[], meanAcc: number[], threshold: number): number {
  for (let k = 0; k < d.length; k++) {
    if (meanAcc[k] < threshold) continue;
    if (k === 0) return d[0];
    const [a0, a1] = [meanAcc[k - 1], meanAcc[k]];
    const t = (threshold - a0) / (a1 - a0);
    return Math.exp(Math.log(d[k - 1]) + t * (Math.log(d[k]) - Math.log(d[k - 1])));
  }
  return NaN;
}

export function threshold(baseline: Baseline, directAcc: number): number {
  return baseline === "absolute" ? 0.9 : 0.9 * directAcc;
}

export function dInt90(s: Sweep, baseline: Baseline, directAcc: number): number {
  return crossing(s.d, s.acc.map(mean), threshold(baseline, directAcc));
}

export interface Interval {
  /** d_int90 of the runs as measured. */
  value: number;
  /** Bootstrap mean and standard deviation over the resamples that crossed. */
  mean: number;
  std: number;
  lo: number;
  hi: number;
  /** Fraction of resamples whose mean curve never reached the threshold. */
  missed: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const x = q * (sorted.length - 1);
  const i = Math.floor(x);
  return sorted[i] + (x - i) * ((sorted[Math.min(i + 1, sorted.length - 1)] ?? sorted[i]) - sorted[i]);
}

function resample(xs: number[], rng: Rng): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[rng.int(xs.length)];
  return s / xs.length;
}

/**
 * Bootstrap over runs, as the paper's "786 ± 66 over 3 runs": each resample redraws the runs at
 * every d (and the direct-training runs, for the relative baseline) with replacement.
 * lo/hi: the 2.5% and 97.5% quantiles.
 */
export function bootstrapDInt90(s: Sweep, baseline: Baseline, direct: number[], resamples: number, rng: Rng): Interval {
  const value = dInt90(s, baseline, mean(direct));
  const got: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const curve = s.acc.map((runs) => resample(runs, rng));
    const base = baseline === "relative" ? resample(direct, rng) : 1;
    const x = crossing(s.d, curve, threshold(baseline, base));
    if (Number.isFinite(x)) got.push(x);
  }
  got.sort((a, b) => a - b);
  return {
    value,
    mean: got.length ? mean(got) : NaN,
    std: got.length ? std(got) : NaN,
    lo: quantile(got, 0.025),
    hi: quantile(got, 0.975),
    missed: 1 - got.length / resamples,
  };
}
