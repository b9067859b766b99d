/**
 * The network and the two ways of fine-tuning it. A ReLU MLP backbone (the matrices whose
 * spectra we study), a pretraining head that stays frozen after pretraining (it scores
 * forgetting, as the paper's masked-LM head does for RoBERTa) and a fresh head for the new task.
 *
 * tfjs (float32) for all the training: it is the bulk of the work and float32 is plenty for SGD.
 * The spectra are taken afterwards in Float64 (see compare.ts).
 */
import { tf } from "../../compute/backend.js";
import { readTensors } from "../../compute/memory.js";
import type { Rng } from "../../compute/rng.js";
import { matrix, type Matrix } from "../../linalg/matrix.js";

export interface Dense {
  K: tf.Variable<tf.Rank.R2>; // [in, out] (tfjs order; the paper's W is Kᵀ)
  b: tf.Variable<tf.Rank.R1>; // [out]
}

/** Backbone layers, then a head. */
export interface Net {
  layers: Dense[];
  head: Dense;
}

/**
 * One LoRA adapter (Hu et al. 2021, arXiv:2106.09685): W = W0 + (α/r) B A with A [r, in], B [out, r].
 * Stored transposed for tfjs's x·K: At = Aᵀ, Bt = Bᵀ.
 */
export interface Adapter {
  At: tf.Variable<tf.Rank.R2>; // [in, r]
  Bt: tf.Variable<tf.Rank.R2>; // [r, out]
  /** α / r (§4.1: scaling by α/r means changing r needs little LR retuning). */
  scale: number;
}

/** A variable holding `t`'s values; `t` itself is freed (the variable keeps the data alive). */
export function variableOf<R extends tf.Rank>(t: tf.Tensor<R>, trainable = true): tf.Variable<R> {
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}

/** He-normal weights times `scale` (scale < 1 is a small, "rich-regime" initialisation). */
export function dense(nIn: number, nOut: number, scale: number, rng: Rng): Dense {
  const K = Float32Array.from(rng.normals(nIn * nOut, scale * Math.sqrt(2 / nIn)));
  return { K: variableOf(tf.tensor2d(K, [nIn, nOut])), b: variableOf(tf.zeros([nOut])) };
}

export function backbone(dims: number[], initScale: number, rng: Rng): Dense[] {
  return dims.slice(1).map((nOut, l) => dense(dims[l], nOut, initScale, rng.fork(`layer ${l}`)));
}

/**
 * PEFT's default initialisation: A uniform on ±1/√in (Kaiming-uniform with a = √5), B = 0, so
 * fine-tuning starts exactly at W0. With `frozenA`, A keeps its random value (the paper's
 * Appendix A.5 variant, as in LoRA-FA).
 */
export function adapter(nIn: number, nOut: number, r: number, alpha: number, frozenA: boolean, rng: Rng): Adapter {
  const bound = 1 / Math.sqrt(nIn);
  const A = new Float32Array(nIn * r);
  for (let i = 0; i < A.length; i++) A[i] = (2 * rng.uniform() - 1) * bound;
  return {
    At: variableOf(tf.tensor2d(A, [nIn, r]), !frozenA),
    Bt: variableOf(tf.zeros([r, nOut])),
    scale: alpha / r,
  };
}

/** The backbone's output h(x), with LoRA's (α/r)·x Aᵀ Bᵀ added in each layer that has an adapter. */
export function features(x: tf.Tensor2D, layers: Dense[], adapters?: Adapter[]): tf.Tensor2D {
  let h = x;
  layers.forEach((layer, l) => {
    let z = tf.add(tf.matMul(h, layer.K), layer.b) as tf.Tensor2D; // [n, out]
    const a = adapters?.[l];
    if (a) z = tf.add(z, tf.mul(tf.matMul(tf.matMul(h, a.At), a.Bt), a.scale)); // [n, r] -> [n, out]
    h = tf.relu(z);
  });
  return h;
}

export function logits(x: tf.Tensor2D, layers: Dense[], head: Dense, adapters?: Adapter[]): tf.Tensor2D {
  return tf.add(tf.matMul(features(x, layers, adapters), head.K), head.b) as tf.Tensor2D;
}

/** Mean softmax cross-entropy; Y is one-hot. */
export function crossEntropy(Z: tf.Tensor2D, Y: tf.Tensor2D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(Y, Z) as tf.Scalar;
}

/** Loss and accuracy of `head` on a labelled set (one forward pass; the sets here are small). */
export async function evaluate(X: tf.Tensor2D, Y: tf.Tensor2D, layers: Dense[], head: Dense, adapters?: Adapter[]): Promise<{ loss: number; acc: number }> {
  const [loss, acc] = await readTensors(() => {
    const Z = logits(X, layers, head, adapters);
    return [crossEntropy(Z, Y), tf.mean(tf.cast(tf.equal(tf.argMax(Z, 1), tf.argMax(Y, 1)), "float32"))];
  });
  return { loss: loss[0], acc: acc[0] };
}

/** The paper's weight W = Kᵀ ([out, in]), merged with its adapter, in Float64. */
export async function weightOf(layer: Dense, a?: Adapter): Promise<Matrix> {
  const [data] = await readTensors(() => {
    let K: tf.Tensor2D = layer.K;
    if (a) K = tf.add(K, tf.mul(tf.matMul(a.At, a.Bt), a.scale)); // [in, out]
    return [K.transpose()];
  });
  const [nIn, nOut] = layer.K.shape;
  return matrix(nOut, nIn, data);
}

/** A kernel [in, out] holding Wᵀ for a Float64 W [out, in]; the caller disposes it. */
export function kernelOf(W: Matrix): tf.Tensor2D {
  const K = new Float32Array(W.rows * W.cols);
  for (let i = 0; i < W.rows; i++) for (let j = 0; j < W.cols; j++) K[j * W.rows + i] = W.data[i * W.cols + j];
  return tf.tensor2d(K, [W.cols, W.rows]);
}
