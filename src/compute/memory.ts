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

/**
 * The values of tensors made by `make` (inside a tidy), read back asynchronously and freed. The
 * one way tfjs paths read results: WebGPU in Node has no synchronous read (`dataSync` needs an
 * OffscreenCanvas there), and an asynchronous read never stalls the GPU pipeline elsewhere.
 */
export async function readTensors<T extends tf.Tensor[]>(make: () => [...T]): Promise<{ [K in keyof T]: Float32Array }> {
  const tensors = tf.tidy(make);
  try {
    return (await Promise.all(tensors.map((t) => t.data()))) as { [K in keyof T]: Float32Array };
  } finally {
    tf.dispose(tensors);
  }
}

/** One scalar's value, read as `readTensors` reads. */
export async function readScalar(make: () => tf.Tensor): Promise<number> {
  const [v] = await readTensors(() => [make()]);
  return v[0];
}
