/**
 * A tiny vision transformer on MNIST patches whose attention is softmax, linear (φ = ELU + 1)
 * or RALA, trained in tfjs (float32 is plenty for training; the ranks of its trained layers
 * are measured afterwards in Float64 by attention.ts on the same weights).
 *
 * Block (pre-norm, as in ViT): x += proj(attn(LN(x))); x += MLP(LN(x)); then LN, mean-pool,
 * linear classifier. RALA follows Fan et al. 2025 (arXiv:2411.07635) and their code: φ on q and
 * k, KV-buffer augmentation by α = softmax(q̄ φ(K)ᵀ/√d), output augmentation
 * (φ(q)·KV·z + LePE(v)) ⊙ o with a 5×5 depthwise LePE and o = x Wo, and (config.rope) a 2-D
 * RoPE on the token grid applied to φ(q) and the re-weighted φ(k) after the feature map, so the
 * KV buffer is built from rotated keys and z from un-rotated ones, as their code does. With
 * `rope` on, softmax rotates q and k, linear attention φ(q) and φ(k) the same way.
 */
import { tf } from "../../compute/backend.js";
import { readTensors } from "../../compute/memory.js";
import type { Rng } from "../../compute/rng.js";
import { UsageError } from "../../compute/usageError.js";
import { matrix, type Matrix } from "../../linalg/matrix.js";
import { rope2d, type AttentionKind, type Grid, type HeadWeights } from "./attention.js";

export interface VitConfig {
  kind: AttentionKind;
  /** Patch side in pixels; 28 must be a multiple of it. */
  patch: number;
  /** Token width D. */
  width: number;
  heads: number;
  depth: number;
  /** MLP hidden width = mlpRatio · D. */
  mlpRatio: number;
  /** LePE kernel side (RALA only). */
  lepeSize: number;
  /** Apply a 2-D RoPE to this model's queries and keys (head dim must be a multiple of 4). */
  rope: boolean;
}

type Params = Record<string, tf.Variable>;

export interface Vit {
  config: VitConfig;
  grid: Grid;
  params: Params;
  /** Logits for images [B, 784] with pixels in [0, 1]. */
  logits(images: tf.Tensor2D): tf.Tensor2D;
  /** The normalised tokens entering block `b`'s attention, for one image: [N, D]. */
  attentionInput(image: Float32Array, b: number): Promise<Matrix>;
  /** Block `b`'s attention output (heads concatenated, before the projection), for one image: [N, D]. */
  attentionOutput(image: Float32Array, b: number): Promise<Matrix>;
  /** Block `b`'s weights for head `h`, as Float64 matrices for attention.ts. */
  headWeights(b: number, h: number): Promise<HeadWeights>;
  parameterCount(): number;
  dispose(): void;
}

/**
 * A trainable variable from `value`, which is then freed (tf.variable keeps its own copy).
 * Unnamed, so tfjs gives each a unique name and two models can live side by side.
 */
function variable(value: tf.Tensor): tf.Variable {
  const v = tf.variable(value, true);
  value.dispose();
  return v;
}

function init(rng: Rng, shape: number[], std: number): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  return variable(tf.tensor(Float32Array.from(rng.normals(n, std)), shape));
}

function constant(shape: number[], value: number): tf.Variable {
  return variable(tf.fill(shape, value));
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(gamma).add(beta);
}

/** Images [B, 784] → patch vectors [B, N, p²], row-major over the patch grid. */
function patchify(images: tf.Tensor2D, p: number): tf.Tensor3D {
  const B = images.shape[0], g = 28 / p;
  return images.reshape([B, g, p, g, p]).transpose([0, 1, 3, 2, 4]).reshape([B, g * g, p * p]);
}

/** Splits [B, N, D] into heads [B, h, N, d]. */
function split(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [B, N, D] = x.shape;
  return x.reshape([B, N, heads, D / heads]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
}

function merge(x: tf.Tensor): tf.Tensor3D {
  const [B, h, N, d] = x.shape;
  return x.transpose([0, 2, 1, 3]).reshape([B, N, h * d]);
}

const phi = (x: tf.Tensor) => tf.elu(x).add(1);

/** x W for x [B, N, Din] and W [Din, Dout], as a 2-D product (tfjs's broadcast matMul has no gradient for W). */
function dense(x: tf.Tensor, W: tf.Tensor): tf.Tensor3D {
  const [B, N, Din] = x.shape;
  return tf.matMul(x.reshape([B * N, Din]), W).reshape([B, N, W.shape[1]!]);
}

/** The rotation of a 2-D RoPE: x ↦ x ⊙ cos + (x P) ⊙ sin, with P turning each channel pair (a, b) into (−b, a). */
interface Rotation {
  cos: tf.Tensor2D; // [N, d]
  sin: tf.Tensor2D; // [N, d]
  P: tf.Tensor2D; // [d, d]
}

/** The cos / sin tables of attention.ts's rope2d on `grid` for head dim d, and the pair-turn matrix P. */
function rotation(grid: Grid, d: number): Rotation {
  const N = grid.h * grid.w;
  const ones = matrix(N, d, new Array(N * d).fill(0).map((_, i) => (i % 2 === 0 ? 1 : 0))); // (1, 0) in every pair
  const turned = rope2d(ones, grid); // (cos, sin) in every pair
  const cos = new Float32Array(N * d), sin = new Float32Array(N * d), P = new Float32Array(d * d);
  for (let t = 0; t < N; t++) {
    for (let a = 0; a < d; a += 2) {
      cos[t * d + a] = cos[t * d + a + 1] = turned.data[t * d + a];
      sin[t * d + a] = sin[t * d + a + 1] = turned.data[t * d + a + 1];
    }
  }
  for (let a = 0; a < d; a += 2) {
    P[(a + 1) * d + a] = -1; // new a = −b
    P[a * d + a + 1] = 1; // new b = a
  }
  return { cos: tf.tensor2d(cos, [N, d]), sin: tf.tensor2d(sin, [N, d]), P: tf.tensor2d(P, [d, d]) };
}

/** x [B, h, N, d] rotated token by token (a product with P as a 2-D matMul, which every backend differentiates). */
function rotate(x: tf.Tensor4D, r: Rotation): tf.Tensor4D {
  const d = x.shape[3];
  const turned = tf.matMul(x.reshape([-1, d]), r.P).reshape(x.shape);
  return x.mul(r.cos).add(turned.mul(r.sin)) as tf.Tensor4D;
}

/**
 * Σⱼ wⱼ φ(kⱼ)ᵀ vⱼ normalised per query: φ(q)·KV / (φ(q)·Σⱼ wⱼ φ(kⱼ)); with `rot`, the numerator
 * and the KV buffer use rotated φ(q) and φ(k), the normaliser the un-rotated ones.
 */
function kernelized(fq: tf.Tensor4D, fk: tf.Tensor4D, v: tf.Tensor4D, rot?: Rotation): tf.Tensor4D {
  const kv = tf.matMul(rot ? rotate(fk, rot) : fk, v, true, false); // [B, h, d, d]
  const ksum = fk.sum(2, true); // [B, h, 1, d]
  const z = tf.matMul(fq, ksum, false, true); // [B, h, N, 1]
  return tf.matMul(rot ? rotate(fq, rot) : fq, kv).div(z.add(1e-6));
}

/** The size² shift matrices of a depthwise convolution on `grid`, flattened: [size², N·N]; S_t[i, j] = 1 when j is tap t of i. */
function shiftMatrices(grid: Grid, size: number): tf.Tensor2D {
  const N = grid.h * grid.w, r = (size - 1) / 2;
  const S = new Float32Array(size * size * N * N);
  for (let ty = 0; ty < size; ty++) {
    for (let tx = 0; tx < size; tx++) {
      for (let i = 0; i < N; i++) {
        const y = Math.floor(i / grid.w) + ty - r, x = (i % grid.w) + tx - r;
        if (y >= 0 && y < grid.h && x >= 0 && x < grid.w) S[(ty * size + tx) * N * N + i * N + y * grid.w + x] = 1;
      }
    }
  }
  return tf.tensor2d(S, [size * size, N * N]);
}

/**
 * LePE, a depthwise convolution of v on the token grid: channel c is multiplied by the banded
 * N × N matrix M_c = Σ_t kernel[t, c] S_t. Built this way (one small product for all M_c, one
 * batched product with v, 3-D transposes only) it trains on every backend: the wasm backend has
 * no gradient kernels for tf.depthwiseConv2d, and its 5-D transposes are slow.
 */
function lepe(v: tf.Tensor3D, S: tf.Tensor2D, kernel: tf.Tensor2D): tf.Tensor3D {
  const [B, N, C] = v.shape;
  const M = tf.matMul(kernel, S, true, false).reshape([C, N, N]); // [C, N, N]
  return tf.matMul(M, v.transpose([2, 1, 0])).transpose([2, 1, 0]) as tf.Tensor3D; // [C, N, B] → [B, N, C]
}

/** Builds the model with weights drawn from `rng` (truncation-free N(0, 1/fan-in)). */
export function vit(config: VitConfig, rng: Rng): Vit {
  const { patch: p, width: D, heads, depth, mlpRatio, lepeSize } = config;
  if (28 % p !== 0) throw new UsageError(`vit: patch ${p} does not divide 28`);
  if (D % heads !== 0) throw new UsageError(`vit: width ${D} is not a multiple of heads ${heads}`);
  const g = 28 / p, N = g * g, d = D / heads, H = Math.round(mlpRatio * D);
  if (config.rope && d % 4 !== 0) throw new UsageError(`vit: RoPE needs a head dim (width / heads) that is a multiple of 4; got ${d}`);
  const grid = { h: g, w: g };
  const S = shiftMatrices(grid, lepeSize);
  const rot = config.rope ? rotation(grid, d) : undefined;
  const params: Params = {
    embed: init(rng, [p * p, D], 1 / p),
    embedBias: constant([D], 0),
    pos: init(rng, [N, D], 0.02),
    lnF_g: constant([D], 1),
    lnF_b: constant([D], 0),
    head: init(rng, [D, 10], 1 / Math.sqrt(D)),
    headBias: constant([10], 0),
  };
  for (let b = 0; b < depth; b++) {
    params[`ln1_g${b}`] = constant([D], 1);
    params[`ln1_b${b}`] = constant([D], 0);
    params[`Wq${b}`] = init(rng, [D, D], 1 / Math.sqrt(D));
    params[`Wk${b}`] = init(rng, [D, D], 1 / Math.sqrt(D));
    params[`Wv${b}`] = init(rng, [D, D], 1 / Math.sqrt(D));
    if (config.kind === "rala") {
      params[`Wo${b}`] = init(rng, [D, D], 1 / Math.sqrt(D));
      params[`lepe${b}`] = init(rng, [lepeSize * lepeSize, D], 1 / lepeSize);
    }
    params[`Wp${b}`] = init(rng, [D, D], 1 / Math.sqrt(D));
    params[`bp${b}`] = constant([D], 0);
    params[`ln2_g${b}`] = constant([D], 1);
    params[`ln2_b${b}`] = constant([D], 0);
    params[`W1${b}`] = init(rng, [D, H], 1 / Math.sqrt(D));
    params[`b1${b}`] = constant([H], 0);
    params[`W2${b}`] = init(rng, [H, D], 1 / Math.sqrt(H));
    params[`b2${b}`] = constant([D], 0);
  }

  const attention = (x: tf.Tensor3D, b: number): tf.Tensor3D => {
    const q = split(dense(x, params[`Wq${b}`]), heads), k = split(dense(x, params[`Wk${b}`]), heads);
    const vFlat = dense(x, params[`Wv${b}`]), v = split(vFlat, heads);
    if (config.kind === "softmax") {
      const [qr, kr] = rot ? [rotate(q, rot), rotate(k, rot)] : [q, k];
      return merge(tf.matMul(tf.softmax(tf.matMul(qr, kr, false, true).mul(1 / Math.sqrt(d))), v));
    }
    const fq = phi(q) as tf.Tensor4D, fk = phi(k) as tf.Tensor4D;
    if (config.kind === "linear") return merge(kernelized(fq, fk, v, rot));
    // RALA: α over the N tokens from the mean query; keys re-weighted by α·N.
    const alpha = tf.softmax(tf.matMul(fq.mean(2, true), fk, false, true).mul(1 / Math.sqrt(d))); // [B, h, 1, N]
    const fkAug = fk.mul(alpha.transpose([0, 1, 3, 2]).mul(N)) as tf.Tensor4D;
    const o = dense(x, params[`Wo${b}`]);
    return merge(kernelized(fq, fkAug, v, rot)).add(lepe(vFlat, S, params[`lepe${b}`] as tf.Tensor2D)).mul(o) as tf.Tensor3D;
  };

  const tokens = (images: tf.Tensor2D): tf.Tensor3D =>
    dense(patchify(images, p), params.embed).add(params.embedBias).add(params.pos) as tf.Tensor3D;

  const block = (x: tf.Tensor3D, b: number): tf.Tensor3D => {
    const a = attention(layerNorm(x, params[`ln1_g${b}`], params[`ln1_b${b}`]) as tf.Tensor3D, b);
    const y = x.add(dense(a, params[`Wp${b}`]).add(params[`bp${b}`]));
    const hid = tf.relu(dense(layerNorm(y, params[`ln2_g${b}`], params[`ln2_b${b}`]), params[`W1${b}`]).add(params[`b1${b}`]));
    return y.add(dense(hid, params[`W2${b}`]).add(params[`b2${b}`])) as tf.Tensor3D;
  };

  const logits = (images: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => {
      let x = tokens(images);
      for (let b = 0; b < depth; b++) x = block(x, b);
      const pooled = layerNorm(x, params.lnF_g, params.lnF_b).mean(1);
      return tf.matMul(pooled, params.head).add(params.headBias) as tf.Tensor2D;
    });

  /** Reads the tensor `make` returns (made inside a tidy) into a Float64 matrix, and frees it. */
  const toMatrix64 = async (make: () => tf.Tensor, rows: number, cols: number): Promise<Matrix> => {
    const [values] = await readTensors(() => [make()]);
    return matrix(rows, cols, values);
  };

  /** LN₁ of the tokens entering block b, for one image: [1, N, D]. */
  const normalisedInput = (image: Float32Array, b: number): tf.Tensor3D => {
    let x = tokens(tf.tensor2d(image, [1, 784]));
    for (let i = 0; i < b; i++) x = block(x, i);
    return layerNorm(x, params[`ln1_g${b}`], params[`ln1_b${b}`]) as tf.Tensor3D;
  };

  return {
    config,
    grid,
    params,
    logits,
    attentionInput(image, b) {
      return toMatrix64(() => normalisedInput(image, b).reshape([N, D]), N, D);
    },
    attentionOutput(image, b) {
      return toMatrix64(() => attention(normalisedInput(image, b), b).reshape([N, D]), N, D);
    },
    async headWeights(b, h) {
      const take = (name: string, rows: number): Promise<Matrix> => toMatrix64(() => params[name].slice([0, h * d], [rows, d]), rows, d);
      const rala = config.kind === "rala";
      return {
        Wq: await take(`Wq${b}`, D),
        Wk: await take(`Wk${b}`, D),
        Wv: await take(`Wv${b}`, D),
        Wo: rala ? await take(`Wo${b}`, D) : matrix(D, d),
        lepe: rala ? await take(`lepe${b}`, lepeSize * lepeSize) : matrix(lepeSize * lepeSize, d),
      };
    },
    parameterCount: () => Object.values(params).reduce((n, v) => n + v.size, 0),
    dispose: () => {
      Object.values(params).forEach((v) => v.dispose());
      S.dispose();
      if (rot) tf.dispose([rot.cos, rot.sin, rot.P]);
    },
  };
}
