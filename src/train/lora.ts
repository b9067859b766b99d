/**
 * A LoRA adapter (Hu et al. 2021, arXiv:2106.09685) on one dense layer in tfjs's x·W layout:
 * W' = W₀ + s·A·B with A [in, r] (Gaussian init) and B [r, out] (zero init, so W' = W₀ at start),
 * s = α/r (the original) or α/√r (rsLoRA, Kalajdzievski 2023, arXiv:2312.03732, under which every
 * rank learns at the same speed). `frozenA` trains B alone (LoRA-FA).
 */
import { tf } from "../compute/backend.js";
import type { Rng } from "../compute/rng.js";

export interface LoraAdapter {
  A: tf.Variable<tf.Rank.R2>;
  B: tf.Variable<tf.Rank.R2>;
  rank: number;
  alpha: number;
  scale: number;
  /** The variables to train. */
  trainable: tf.Variable[];
  /** s·A·B, [in, out]. */
  delta(): tf.Tensor2D;
  /** x·(W₀ + s·A·B) without forming the merged weight: x·W₀ + s·(x·A)·B. */
  apply(x: tf.Tensor2D, W0: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

export interface LoraOptions {
  rank: number;
  alpha: number;
  /** 'alpha/r' (default) or 'alpha/sqrt(r)' (rsLoRA). */
  scaling?: "alpha/r" | "alpha/sqrt(r)";
  frozenA?: boolean;
  /** Standard deviation of A's entries; default 1/√in. */
  initStd?: number;
}

/** A variable holding `t`; `t` itself is released (tf.variable keeps a second handle on the data). */
export function variableOf<R extends tf.Rank>(t: tf.Tensor<R>, trainable = true): tf.Variable<R> {
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}

export function loraAdapter(nIn: number, nOut: number, o: LoraOptions, rng: Rng): LoraAdapter {
  const std = o.initStd ?? 1 / Math.sqrt(nIn);
  const scale = o.scaling === "alpha/sqrt(r)" ? o.alpha / Math.sqrt(o.rank) : o.alpha / o.rank;
  const A = variableOf(tf.tensor2d(Float32Array.from(rng.normals(nIn * o.rank, std)), [nIn, o.rank]), !o.frozenA);
  const B = variableOf(tf.zeros([o.rank, nOut]) as tf.Tensor2D);
  return {
    A,
    B,
    rank: o.rank,
    alpha: o.alpha,
    scale,
    trainable: o.frozenA ? [B] : [A, B],
    delta: () => tf.tidy(() => tf.mul(tf.matMul(A, B), scale) as tf.Tensor2D),
    apply: (x, W0) => tf.tidy(() => tf.add(tf.matMul(x, W0), tf.mul(tf.matMul(tf.matMul(x, A), B), scale)) as tf.Tensor2D),
    dispose: () => tf.dispose([A, B]),
  };
}
