/**
 * One training loop for pretraining and every fine-tuning variant: Adam per parameter group,
 * the paper's schedule (linear warm-up over the first 6% of steps, then linear decay to 0;
 * Shuttleworth et al. §4, following RoBERTa fine-tuning), optional decoupled weight decay
 * (AdamW, Loshchilov & Hutter 2019) and minibatches drawn from a seeded generator.
 */
import { tf } from "../../compute/backend.js";
import type { Rng } from "../../compute/rng.js";

export const WARMUP = 0.06;

/** A set of variables sharing one learning rate. */
export interface Group {
  vars: tf.Variable[];
  lr: number;
  /** Decoupled weight decay λ_wd: v ← v − η_t λ_wd v after each step (pretraining only). */
  weightDecay?: number;
  /** The variables decay applies to (default: all of `vars`; biases are usually left out). */
  decay?: tf.Variable[];
}

export interface Batches {
  X: tf.Tensor2D;
  Y: tf.Tensor2D;
  n: number;
}

/** η_t: linear warm-up to η over WARMUP·T steps, then linear decay to 0 at T. */
export function schedule(t: number, T: number, lr: number): number {
  const w = Math.max(1, Math.round(WARMUP * T));
  return t < w ? (lr * (t + 1)) / w : (lr * (T - t)) / Math.max(1, T - w);
}

export interface TrainOptions {
  steps: number;
  batch: number;
  rng: Rng;
  /**
   * Awaited after every step with the number of steps done: the run's checkpoint, which reports
   * progress, yields to the event loop and throws when the run was interrupted.
   */
  checkpoint?: (done: number) => Promise<void>;
}

/** Minimises `loss(xb, yb)` over `steps` minibatches; frees every tensor it makes. */
export async function train(
  loss: (xb: tf.Tensor2D, yb: tf.Tensor2D) => tf.Scalar,
  groups: Group[],
  data: Batches,
  o: TrainOptions,
): Promise<void> {
  const optimizers = groups.map((g) => tf.train.adam(g.lr));
  const all = groups.flatMap((g) => g.vars);
  const index = new Int32Array(o.batch);
  try {
    for (let t = 0; t < o.steps; t++) {
      for (let i = 0; i < o.batch; i++) index[i] = o.rng.int(data.n);
      tf.tidy(() => {
        const ix = tf.tensor1d(index, "int32");
        const xb = tf.gather(data.X, ix) as tf.Tensor2D;
        const yb = tf.gather(data.Y, ix) as tf.Tensor2D;
        const { value, grads } = tf.variableGrads(() => loss(xb, yb), all);
        value.dispose();
        groups.forEach((g, gi) => {
          const lr = schedule(t, o.steps, g.lr);
          // tfjs reads `learningRate` at every step, so setting it is how a schedule is applied.
          (optimizers[gi] as unknown as { learningRate: number }).learningRate = lr;
          optimizers[gi].applyGradients(g.vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
          if (g.weightDecay) for (const v of g.decay ?? g.vars) v.assign(tf.mul(v, 1 - lr * g.weightDecay));
        });
      });
      await o.checkpoint?.(t + 1);
    }
  } finally {
    for (const opt of optimizers) opt.dispose();
  }
}
