/**
 * Trains the tiny ViT of model.ts with one attention kind under a fixed budget (same steps,
 * batch, learning rate and data for every kind), and scores it on the fixed MNIST test split.
 */
import { tf } from "../../compute/backend.js";
import { readScalar } from "../../compute/memory.js";
import type { Rng } from "../../compute/rng.js";
import { vit, type Vit, type VitConfig } from "./model.js";
import { pixels, type Digits } from "./tokens.js";

export interface TrainOptions {
  steps: number;
  batch: number;
  lr: number;
  /** Record the training loss every this many steps. */
  logEvery: number;
  /**
   * Awaited after every step with the number of steps done: the run's checkpoint, which reports
   * progress, yields to the event loop and throws when the run was interrupted.
   */
  checkpoint?: (step: number) => Promise<void>;
}

export interface Trained {
  model: Vit;
  /** Training loss at logged steps: mean cross-entropy over the batches since the previous log. */
  curve: Array<{ step: number; loss: number }>;
}

function batchOf(d: Digits, idx: ArrayLike<number>): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const X = new Float32Array(idx.length * pixels);
  const labels = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    X.set(d.X.subarray(idx[i] * pixels, (idx[i] + 1) * pixels), i * pixels);
    labels[i] = d.y[idx[i]];
  }
  return tf.tidy(() => ({ x: tf.tensor2d(X, [idx.length, pixels]), y: tf.oneHot(tf.tensor1d(labels, "int32"), 10).toFloat() as tf.Tensor2D }));
}

/** Adam on softmax cross-entropy; batches drawn from `rng`, so a seed fixes the whole run. */
export async function train(config: VitConfig, data: Digits, opts: TrainOptions, rng: Rng): Promise<Trained> {
  const model = vit(config, rng.fork("init"));
  const draw = rng.fork("batches");
  const optimizer = tf.train.adam(opts.lr);
  const vars = Object.values(model.params);
  const curve: Trained["curve"] = [];
  let sum = 0, count = 0;
  try {
    for (let step = 1; step <= opts.steps; step++) {
      const idx = Array.from({ length: opts.batch }, () => draw.int(data.n));
      const { x, y } = batchOf(data, idx);
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.logits(x)) as tf.Scalar, true, vars);
      sum += (await loss!.data())[0];
      count++;
      if (step % opts.logEvery === 0 || step === opts.steps || step === 1) {
        curve.push({ step, loss: sum / count });
        sum = count = 0;
      }
      tf.dispose([x, y, loss!]);
      await opts.checkpoint?.(step);
    }
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
  return { model, curve };
}

/** Top-1 accuracy on `data`, in batches of 256. */
export async function accuracy(model: Vit, data: Digits): Promise<number> {
  let correct = 0;
  for (let start = 0; start < data.n; start += 256) {
    const idx = Array.from({ length: Math.min(256, data.n - start) }, (_, i) => start + i);
    const { x, y } = batchOf(data, idx);
    try {
      correct += await readScalar(() => model.logits(x).argMax(1).equal(y.argMax(1)).sum());
    } finally {
      tf.dispose([x, y]);
    }
  }
  return correct / data.n;
}
