import { tf } from "./backend.js";

/** The number of live tfjs tensors: an experiment leaves this where it found it. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

/**
 * Runs `fn` and checks that it freed every tensor it made. Experiments run inside this, so
 * a leak is reported where it happens rather than as memory growth over a long sweep.
 */
export async function withTensorCheck<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const before = liveTensors();
  const result = await fn();
  const after = liveTensors();
  if (after !== before) {
    throw new Error(`${label} leaked ${after - before} tfjs tensor(s) (${before} before, ${after} after)`);
  }
  return result;
}
