/**
 * The two networks of Li et al. 2018 (arXiv:1804.08838) §3.1 on MNIST, as flat parameter
 * vectors θ ∈ R^D so a random subspace can be laid over all layers at once:
 *   FC:    784-200-200-10, ReLU (D = 199,210)
 *   LeNet: conv 5×5×6, pool, conv 5×5×16, pool, dense 120, 84, 10; valid padding, ReLU
 *          (D = 44,426, the paper's count)
 * He-normal weights and zero biases, as in the paper's code.
 *
 * An FC forward pass takes K networks at once, so the runs of a sweep that share a seed (and so
 * θ₀ and the batches) train side by side: their first layers are concatenated into one
 * [784, K·h] matrix, later layers into block-diagonal ones, so one plain matMul serves all K.
 * On a CPU where every tfjs op costs a fixed dispatch time this is several times faster for
 * small nets (the wasm batched matMul, rank 3, is ≈20× slower than this). LeNet runs one at a
 * time (maxK = 1): tfjs has no grouped convolution.
 */
import { tf } from "../../compute/backend.js";
import type { Rng } from "../../compute/rng.js";
import { conv, dense as denseOp } from "./ops.js";

export interface Layer {
  name: string;
  shape: number[];
  /** He-normal std √(2/fan_in) for weights; 0 for biases. */
  initStd: number;
  /** L2-regularised (kernels are, biases are not, as with Keras' kernel_regularizer). */
  decay: boolean;
}

export interface Net {
  name: string;
  layers: Layer[];
  /** Parameter count D. */
  D: number;
  /** How many networks one forward pass can carry. */
  maxK: number;
  /** The tensors `forward` takes for the flat θ of K networks (copies; the caller disposes them). */
  pack(thetas: Float32Array[]): tf.Tensor[];
  /** The inverse of `pack` for gradients: ∂L/∂(packed tensor i) = G[i] → each network's flat ∂L/∂θ. */
  unpack(G: Float32Array[], grads: Float32Array[]): void;
  /** x [B, 784] → logits [B, K, 10]. */
  forward(W: tf.Tensor[], x: tf.Tensor2D): tf.Tensor3D;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function offsets(layers: Layer[]): number[] {
  const o = [0];
  for (const l of layers) o.push(o[o.length - 1] + sizeOf(l.shape));
  return o;
}

function dense(name: string, fanIn: number, fanOut: number): Layer[] {
  return [
    { name: `${name}.W`, shape: [fanIn, fanOut], initStd: Math.sqrt(2 / fanIn), decay: true },
    { name: `${name}.b`, shape: [fanOut], initStd: 0, decay: false },
  ];
}

/**
 * How many FC nets one pass carries. A block-diagonal [K·h, K·h] layer multiplies K² blocks of
 * which K are real, so stacking wide nets wastes more than it saves in op dispatch: measured
 * here, CPU per run and step for FC 784-200-200-10 was 26 ms alone, 24 ms two at a time, 26 ms
 * three and 42 ms six at a time, while FC 784-50-50-10 went from 9 ms alone to 5 ms eight at a
 * time. K·h ≤ 512 keeps the waste of the hidden-to-hidden layers under a fifth of the net.
 */
function stackLimit(h: number, depth: number): number {
  return depth === 1 ? Infinity : Math.max(1, Math.floor(512 / h));
}

/** Fully connected 784-h-…-h-10 with `depth` hidden layers of width `h`. */
export function fcNet(h: number, depth: number): Net {
  const sizes = [784, ...Array<number>(depth).fill(h), 10];
  const layers = sizes.slice(1).flatMap((out, i) => dense(`fc${i + 1}`, sizes[i], out));
  const off = offsets(layers);
  const L = sizes.length - 1;
  return {
    name: `FC 784-${Array(depth).fill(h).join("-")}-10`, layers, D: off[off.length - 1], maxK: stackLimit(h, depth),
    pack(thetas) {
      const K = thetas.length;
      return layers.map((l, li) => {
        const [a, b] = l.shape.length === 2 ? l.shape : [1, l.shape[0]];
        const first = li === 0;
        // first layer: [in, K·out] (shared input); later: block-diagonal [K·in, K·out]; bias: [K·out]
        const rows = l.shape.length === 1 || first ? a : K * a;
        const buf = new Float32Array(rows * K * b);
        thetas.forEach((theta, k) => {
          for (let i = 0; i < a; i++) {
            const r = l.shape.length === 1 || first ? i : k * a + i;
            buf.set(theta.subarray(off[li] + i * b, off[li] + (i + 1) * b), r * K * b + k * b);
          }
        });
        return l.shape.length === 1 ? tf.tensor1d(buf) : tf.tensor2d(buf, [rows, K * b]);
      });
    },
    unpack(G, grads) {
      const K = grads.length;
      layers.forEach((l, li) => {
        const [a, b] = l.shape.length === 2 ? l.shape : [1, l.shape[0]];
        const g = G[li];
        grads.forEach((grad, k) => {
          for (let i = 0; i < a; i++) {
            const r = l.shape.length === 1 || li === 0 ? i : k * a + i;
            grad.set(g.subarray(r * K * b + k * b, r * K * b + (k + 1) * b), off[li] + i * b);
          }
        });
      });
    },
    forward(W, x) {
      let a: tf.Tensor2D = x;
      for (let i = 0; i < L; i++) a = denseOp(a, W[2 * i] as tf.Tensor2D, W[2 * i + 1] as tf.Tensor1D, i < L - 1, i === 0); // [B, K·sizes[i+1]]
      return tf.reshape(a, [x.shape[0], -1, 10]) as tf.Tensor3D; // [B, K, 10]
    },
  };
}

/**
 * LeNet-5 as in the paper's code, channels and dense widths multiplied by `width` (1 = the
 * paper's 6, 16, 120, 84), for the quick preset's small version.
 */
export function leNet(width = 1): Net {
  const [c1, c2, f1, f2] = [6, 16, 120, 84].map((n) => Math.max(1, Math.round(n * width)));
  const layers: Layer[] = [
    { name: "conv1.W", shape: [5, 5, 1, c1], initStd: Math.sqrt(2 / 25), decay: true },
    { name: "conv1.b", shape: [c1], initStd: 0, decay: false },
    { name: "conv2.W", shape: [5, 5, c1, c2], initStd: Math.sqrt(2 / (25 * c1)), decay: true },
    { name: "conv2.b", shape: [c2], initStd: 0, decay: false },
    ...dense("fc1", 4 * 4 * c2, f1),
    ...dense("fc2", f1, f2),
    ...dense("fc3", f2, 10),
  ];
  const off = offsets(layers);
  return {
    name: width === 1 ? "LeNet" : `LeNet ×${width}`, layers, D: off[off.length - 1], maxK: 1,
    pack: ([theta]) => layers.map((l, i) => tf.tensor(theta.subarray(off[i], off[i + 1]), l.shape, "float32")),
    unpack: (G, [grad]) => G.forEach((g, i) => grad.set(g, off[i])),
    forward(W, x) {
      const img = tf.reshape(x, [-1, 28, 28, 1]) as tf.Tensor4D;
      const h1 = tf.maxPool(conv(img, W[0] as tf.Tensor4D, W[1] as tf.Tensor1D, true), 2, 2, "valid"); // [B, 12, 12, c1]
      const h2 = tf.maxPool(conv(h1, W[2] as tf.Tensor4D, W[3] as tf.Tensor1D), 2, 2, "valid"); // [B, 4, 4, c2]
      const f = tf.reshape(h2, [-1, 4 * 4 * c2]) as tf.Tensor2D;
      const a1 = denseOp(f, W[4] as tf.Tensor2D, W[5] as tf.Tensor1D, true); // [B, f1]
      const a2 = denseOp(a1, W[6] as tf.Tensor2D, W[7] as tf.Tensor1D, true); // [B, f2]
      return tf.expandDims(denseOp(a2, W[8] as tf.Tensor2D, W[9] as tf.Tensor1D, false), 1) as tf.Tensor3D; // [B, 1, 10]
    },
  };
}

/** θ₀: one He-normal draw of every weight, biases zero. */
export function initTheta(n: Net, rng: Rng): Float32Array {
  const theta = new Float32Array(n.D);
  let o = 0;
  for (const l of n.layers) {
    const size = sizeOf(l.shape);
    if (l.initStd > 0) for (let i = 0; i < size; i++) theta[o + i] = l.initStd * rng.normal();
    o += size;
  }
  return theta;
}
