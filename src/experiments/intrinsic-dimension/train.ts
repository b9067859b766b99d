/**
 * Subspace training (Li et al. 2018, arXiv:1804.08838, §2): θ = θ₀ + P·θ_d with θ₀ and P frozen
 * and only θ_d ∈ R^d trained. tfjs computes ∂L/∂θ for the network as usual; the chain rule
 * through the fixed linear map gives ∂L/∂θ_d = Pᵀ·∂L/∂θ, applied on typed arrays by the
 * projection (a custom gradient: no D×d matrix, no autodiff through the transform). Adam then
 * updates θ_d alone, so θ₀ never moves and θ − θ₀ stays in the span of P.
 *
 * K runs that share θ₀ and the batch order (one seed, several d or P) train side by side as one
 * stacked network (see model.ts); each keeps its own θ_d and Adam state.
 */
import { tf } from "../../compute/backend.js";
import { readTensors } from "../../compute/memory.js";
import type { Rng } from "../../compute/rng.js";
import { classes, pixels, take, type Digits } from "./data.js";
import type { Net } from "./model.js";
import type { Projection } from "./projection.js";

export interface TrainOptions {
  steps: number;
  batch: number;
  /** Adam step size (paper: 1e-3). */
  lr: number;
  /** L2 weight on kernels, λ·Σw² added to the loss (paper: 1e-5). */
  l2: number;
  /**
   * Awaited after each step with (steps done, steps): the run's checkpoint, which reports
   * progress, yields to the event loop and throws if the run was interrupted.
   */
  checkpoint?: (done: number, total: number) => Promise<void>;
  /**
   * The plateau probe: after this fraction of the steps, and again at the end, score the first
   * `probeSize` validation digits, so a run can say whether its accuracy was still climbing.
   * Default 0.8 (the last 20% of steps).
   */
  probeAt?: number;
  /** Validation digits the probe scores (default 2,000, or all when fewer). */
  probeSize?: number;
}

export interface TrainResult {
  /** Validation accuracy of the final θ. */
  valAcc: number;
  /** Mean training loss over the last 10% of steps. */
  trainLoss: number;
  /** Accuracy on the probe's validation digits after `probeAt` of the steps, and at the end. */
  probeAcc: number;
  probeAccEnd: number;
  thetaD: Float32Array;
  /** Final θ = θ₀ + P·θ_d. */
  theta: Float32Array;
}

/**
 * Σ_k (mean cross-entropy of network k on the batch) and, for each k, ∂/∂θ_k of its own term
 * plus the L2 term, written into grads[k]. Resolves to the K losses.
 */
export async function lossAndGrad(net: Net, thetas: Float32Array[], X: Float32Array, y: Int32Array, l2: number, grads: Float32Array[]): Promise<number[]> {
  const B = y.length;
  const K = thetas.length;
  // The per-network losses are kept past the gradient's own scope, returned with ∂θ and read
  // with them in one asynchronous read; nothing but tensors leaves the tidy.
  const [perNet, ...G] = await readTensors(() => {
    const W = net.pack(thetas);
    const x = tf.tensor2d(X, [B, pixels]);
    const labels = tf.expandDims(tf.oneHot(tf.tensor1d(y, "int32"), classes), 1); // [B, 1, 10], broadcast over K
    let losses: tf.Tensor | undefined;
    const { grads: G } = tf.valueAndGrads((...w: tf.Tensor[]) => {
      const logp = tf.logSoftmax(net.forward(w, x)); // [B, K, 10]
      losses = tf.keep(tf.neg(tf.mean(tf.sum(tf.mul(logp, labels), 2), 0))); // [K]
      return tf.sum(losses) as tf.Scalar; // networks share no weights, so each gets its own gradient
    })(W);
    return [losses!, ...G];
  });
  net.unpack(G, grads);
  if (l2 > 0) {
    let o = 0;
    for (const l of net.layers) {
      const size = l.shape.reduce((a, b) => a * b, 1);
      if (l.decay) for (let k = 0; k < K; k++) for (let j = o; j < o + size; j++) grads[k][j] += 2 * l2 * thetas[k][j];
      o += size;
    }
  }
  return Array.from(perNet);
}

/** Validation accuracy of each of K networks, in chunks so memory stays flat. */
export async function accuracy(net: Net, thetas: Float32Array[], data: Digits, chunk = 1000): Promise<number[]> {
  const K = thetas.length;
  const correct = new Array<number>(K).fill(0);
  for (let s = 0; s < data.n; s += chunk) {
    const m = Math.min(chunk, data.n - s);
    const [pred] = await readTensors(() => {
      const W = net.pack(thetas);
      const x = tf.tensor2d(data.X.subarray(s * pixels, (s + m) * pixels), [m, pixels]);
      return [tf.argMax(net.forward(W, x), 2)]; // [m, K]
    });
    for (let i = 0; i < m; i++) for (let k = 0; k < K; k++) if (pred[i * K + k] === data.y[s + i]) correct[k]++;
  }
  return correct.map((c) => c / data.n);
}

/**
 * Trains θ_d = 0 → … for every projection in `Ps` (all of the same net, all from `theta0`) by
 * Adam on the same minibatches (reshuffled every epoch), and scores each result.
 */
export async function trainSubspaces(net: Net, Ps: Projection[], theta0: Float32Array, train: Digits, val: Digits, o: TrainOptions, rng: Rng): Promise<TrainResult[]> {
  const K = Ps.length;
  if (K > net.maxK) throw new RangeError(`${net.name} trains at most ${net.maxK} networks at once, got ${K}`);
  for (const P of Ps) if (P.D !== net.D) throw new RangeError(`projection is for D = ${P.D} but ${net.name} has D = ${net.D}`);
  const D = net.D;
  const thetaD = Ps.map((P) => new Float32Array(P.d));
  const m = Ps.map((P) => new Float64Array(P.d));
  const v = Ps.map((P) => new Float64Array(P.d));
  const thetas = Ps.map(() => new Float32Array(D));
  const grads = Ps.map(() => new Float32Array(D));
  const gradD = Ps.map((P) => new Float32Array(P.d));
  const Xb = new Float32Array(o.batch * pixels);
  const yb = new Int32Array(o.batch);
  const [beta1, beta2, eps] = [0.9, 0.99, 1e-8]; // the paper's code (intrinsic_dim/standard_parser.py defaults)
  const setTheta = (k: number) => {
    Ps[k].apply(thetaD[k], thetas[k]);
    const th = thetas[k];
    for (let i = 0; i < D; i++) th[i] += theta0[i];
  };
  let order = rng.permutation(train.n);
  let cursor = 0;
  const lossSum = new Float64Array(K);
  let lossCount = 0;
  const tail = Math.floor(o.steps * 0.9);
  const probeStep = Math.max(1, Math.round(o.steps * (o.probeAt ?? 0.8)));
  const probe = take(val, o.probeSize ?? 2000);
  let probeAcc: number[] = [];
  for (let t = 1; t <= o.steps; t++) {
    for (let b = 0; b < o.batch; b++) {
      if (cursor === train.n) {
        order = rng.permutation(train.n);
        cursor = 0;
      }
      const i = order[cursor++];
      Xb.set(train.X.subarray(i * pixels, (i + 1) * pixels), b * pixels);
      yb[b] = train.y[i];
    }
    for (let k = 0; k < K; k++) setTheta(k);
    const losses = await lossAndGrad(net, thetas, Xb, yb, o.l2, grads);
    if (t > tail) {
      losses.forEach((l, k) => (lossSum[k] += l));
      lossCount++;
    }
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    for (let k = 0; k < K; k++) {
      Ps[k].applyT(grads[k], gradD[k]); // ∂L/∂θ_d = Pᵀ ∂L/∂θ
      const [g, mk, vk, x] = [gradD[k], m[k], v[k], thetaD[k]];
      for (let j = 0; j < x.length; j++) {
        mk[j] = beta1 * mk[j] + (1 - beta1) * g[j];
        vk[j] = beta2 * vk[j] + (1 - beta2) * g[j] * g[j];
        x[j] -= (o.lr * (mk[j] / c1)) / (Math.sqrt(vk[j] / c2) + eps);
      }
    }
    if (t === probeStep) {
      for (let k = 0; k < K; k++) setTheta(k);
      probeAcc = await accuracy(net, thetas, probe);
    }
    await o.checkpoint?.(t, o.steps);
  }
  for (let k = 0; k < K; k++) setTheta(k);
  const acc = await accuracy(net, thetas, val);
  const probeEnd = probe.n === val.n ? acc : await accuracy(net, thetas, probe);
  return Ps.map((_, k) => ({
    valAcc: acc[k], trainLoss: lossSum[k] / Math.max(1, lossCount), probeAcc: probeAcc[k] ?? NaN, probeAccEnd: probeEnd[k],
    thetaD: thetaD[k], theta: thetas[k],
  }));
}
