/**
 * Seeded minibatches. Two ways to draw, both a pure function of the Rng's seed:
 * `withReplacement` (each index uniform, as most toy training loops sample) and `epochs`
 * (a fresh permutation per pass over the data, as frameworks' shuffling data loaders do).
 */
import type { Rng } from "../compute/rng.js";

export type BatchSampler = () => Int32Array;

/** `batch` indices drawn uniformly from [0, n) at every call (one array reused: copy it to keep it). */
export function withReplacement(rng: Rng, n: number, batch: number): BatchSampler {
  const out = new Int32Array(batch);
  return () => {
    for (let i = 0; i < batch; i++) out[i] = rng.int(n);
    return out;
  };
}

/** Consecutive `batch` indices of a permutation of [0, n), reshuffled whenever it runs out. */
export function epochs(rng: Rng, n: number, batch: number): BatchSampler {
  const out = new Int32Array(batch);
  let order = rng.permutation(n);
  let cursor = 0;
  return () => {
    for (let i = 0; i < batch; i++) {
      if (cursor === n) {
        order = rng.permutation(n);
        cursor = 0;
      }
      out[i] = order[cursor++];
    }
    return out;
  };
}

/** Rows `index` of a row-major [n, width] array, into `out` (allocated when absent). */
export function gatherRows<T extends Float32Array | Float64Array | Int32Array>(source: T, width: number, index: ArrayLike<number>, out?: T): T {
  const dest = out ?? (new (source.constructor as new (n: number) => T)(index.length * width));
  for (let i = 0; i < index.length; i++) dest.set(source.subarray(index[i] * width, (index[i] + 1) * width), i * width);
  return dest;
}
