/**
 * Pretraining and every fine-tuning variant train through the shared loop (src/train/): Adam
 * per parameter group, the paper's schedule (linear warm-up over the first 6% of steps, then
 * linear decay to 0; Shuttleworth et al. §4, following RoBERTa fine-tuning), optional decoupled
 * weight decay (AdamW) and minibatches drawn with replacement from a seeded generator.
 */
import { tf } from "../../compute/backend.js";
import type { Rng } from "../../compute/rng.js";
import { trainLoop, warmupLinearDecay, withReplacement, type ParamGroup } from "../../train/index.js";

export const WARMUP = 0.06;
export const schedule = warmupLinearDecay(WARMUP);

/** A set of variables sharing one learning rate (and, for pretraining, a weight decay). */
export type Group = Omit<ParamGroup, "schedule">;

export interface Batches {
  X: tf.Tensor2D;
  Y: tf.Tensor2D;
  n: number;
}

export interface TrainOptions {
  steps: number;
  batch: number;
  rng: Rng;
  /** The run's checkpoint: progress, yielding, and a throw when the run was interrupted. */
  checkpoint?: (done: number, total: number) => Promise<void>;
}

/** Minimises `loss(xb, yb)` over `steps` minibatches; frees every tensor it makes. */
export async function train(loss: (xb: tf.Tensor2D, yb: tf.Tensor2D) => tf.Scalar, groups: Group[], data: Batches, o: TrainOptions): Promise<void> {
  const draw = withReplacement(o.rng, data.n, o.batch);
  await trainLoop({
    steps: o.steps,
    groups: groups.map((g) => ({ ...g, schedule })),
    loss: () => {
      const ix = tf.tensor1d(draw(), "int32");
      return loss(tf.gather(data.X, ix) as tf.Tensor2D, tf.gather(data.Y, ix) as tf.Tensor2D);
    },
    checkpoint: o.checkpoint,
  });
}
