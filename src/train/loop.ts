/**
 * The training loop of every tfjs network in the project: Adam per parameter group, each with
 * its own learning rate and schedule and optional decoupled weight decay (AdamW, Loshchilov &
 * Hutter 2019), minibatches from a seeded sampler, the loss logged every few steps, and
 * `checkpoint` between steps (progress, abort, yielding to the event loop). Frees every
 * tensor it makes.
 */
import { tf } from "../compute/backend.js";
import { constant, type Schedule } from "./schedules.js";

/** A set of variables sharing one learning rate. */
export interface ParamGroup {
  vars: tf.Variable[];
  lr: number;
  schedule?: Schedule;
  /** Decoupled weight decay λ: v ← v − η_t λ v after each step. */
  weightDecay?: number;
  /** The variables decay applies to (default all of `vars`; biases are usually left out). */
  decay?: tf.Variable[];
}

export interface TrainLoopOptions {
  steps: number;
  groups: ParamGroup[];
  /** The minibatch loss at step t (0-based); called inside a tidy, so it may make tensors freely. */
  loss: (t: number) => tf.Scalar;
  /** Log the mean training loss over the last `logEvery` steps (and the first and last step). Default: never. */
  logEvery?: number;
  /** Between steps: throws on abort, reports progress, yields (RunContext.checkpoint). */
  checkpoint?: (done: number, total: number) => Promise<void>;
  /** Called after each step, inside no tidy (for extra per-step work such as a perturbation). */
  afterStep?: (t: number) => void;
}

export interface LossPoint {
  step: number;
  loss: number;
}

export async function trainLoop(o: TrainLoopOptions): Promise<LossPoint[]> {
  const optimizers = o.groups.map((g) => tf.train.adam(g.lr));
  const all = o.groups.flatMap((g) => g.vars);
  const curve: LossPoint[] = [];
  let sum: tf.Scalar | undefined;
  let count = 0;
  try {
    for (let t = 0; t < o.steps; t++) {
      const value = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => o.loss(t), all);
        o.groups.forEach((g, gi) => {
          const lr = (g.schedule ?? constant)(t, o.steps, g.lr);
          // tfjs reads `learningRate` at every step, so setting it is how a schedule is applied.
          (optimizers[gi] as unknown as { learningRate: number }).learningRate = lr;
          optimizers[gi].applyGradients(g.vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
          if (g.weightDecay) for (const v of g.decay ?? g.vars) v.assign(tf.mul(v, 1 - lr * g.weightDecay));
        });
        return value;
      });
      if (o.logEvery) {
        // Accumulate on the device; read back only when logging, so a step never waits on a sync.
        const next = sum ? tf.add(sum, value) : value.clone();
        sum?.dispose();
        sum = next as tf.Scalar;
        count++;
        const step = t + 1;
        if (step % o.logEvery === 0 || step === o.steps || step === 1) {
          curve.push({ step, loss: (await sum.data())[0] / count });
          sum.dispose();
          sum = undefined;
          count = 0;
        }
      }
      value.dispose();
      o.afterStep?.(t);
      await o.checkpoint?.(t + 1, o.steps);
    }
  } finally {
    sum?.dispose();
    for (const opt of optimizers) opt.dispose();
  }
  return curve;
}
