/**
 * The LoRA-rank probe: does fine-tuning with LoRA show double descent in the rank r, and does a
 * GGPO-style weight perturbation change it? (Chang et al. 2025, arXiv:2502.14538 v1 "LoRA-GGPO";
 * v2 retitled "LoRA-MGPO".)
 *
 * At laptop scale: a 196-128-128-10 ReLU network (MNIST downsampled to 14×14) is pretrained on
 * digits 0-4, then fine-tuned on a small, label-noisy set of digits 5-9. Only the LoRA factors of
 * the middle layer, W' = W₂ + s·BA (Hu et al. 2021, arXiv:2106.09685; s = α/√r as in rsLoRA,
 * arXiv:2312.03732, so every rank learns at the same speed), and the output layer are trained.
 *
 * GGPO-style perturbation (after the paper's §3 and the public implementations of it): at each
 * step, row i of the merged weight W' gets Gaussian noise of scale
 *   (σ_g‖W'_i‖ + β_g‖∇_i‖²) / √d_in,
 * ∇ being the previous step's gradient with respect to W', and the gradient is taken at the
 * perturbed weights. Noise is drawn from the run's seeded Rng, so runs are reproducible.
 *
 * tfjs float32 throughout: this is network training, where float32 is what every framework uses.
 */
import { tf } from "../../compute/backend.js";
import { readTensors } from "../../compute/memory.js";
import type { Rng } from "../../compute/rng.js";
import { classes, loadDigits } from "./data.js";
import type { Work } from "./model.js";
import type { DoubleDescentParams } from "./params.js";

export interface LoraRow {
  method: string;
  rank: number;
  /** Trainable parameters: r·(d_in + d_out) of LoRA plus the output layer. */
  params: number;
  trainLoss: number;
  testLoss: number;
  testError: number;
}

const D = 196, H = 128; // input (14×14) and hidden widths
const PRETRAIN = 2000, PRE_BATCH = 100, TEST = 1000;
const ALPHA = 4; // LoRA scale s = α/√r

/** A rough flop count of the probe, for progress reporting. */
export function loraCost(p: DoubleDescentParams): number {
  const step = (rows: number) => 6 * rows * (H * H + 2 * H * 64 + H * classes);
  return p.loraPretrainSteps * step(PRE_BATCH) * 4 + 2 * p.loraRanks.length * p.loraSteps * step(p.loraTrain);
}

/** MNIST downsampled by 2×2 averaging: [count, 196]. */
function downsample(X: Float32Array, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * D);
  for (let s = 0; s < idx.length; s++) {
    const o = idx[s] * 784;
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 14; c++) {
        const a = o + 2 * r * 28 + 2 * c;
        out[s * D + r * 14 + c] = (X[a] + X[a + 1] + X[a + 28] + X[a + 29]) / 4;
      }
    }
  }
  return out;
}

function targets(labels: number[], noise: number, rng: Rng): Float32Array {
  const Y = new Float32Array(labels.length * classes);
  labels.forEach((l, i) => {
    const noisy = rng.uniform() < noise ? 5 + ((l - 5 + 1 + rng.int(4)) % 5) : l;
    Y[i * classes + noisy] = 1;
  });
  return Y;
}

const normalTensor = (rng: Rng, shape: [number, number], std: number) => tf.tensor2d(Float32Array.from(rng.normals(shape[0] * shape[1], std)), shape);

/** A variable holding `t`; t itself is released (the variable keeps its data alive). */
function variableOf(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

export async function loraRankProbe(p: DoubleDescentParams, rng: Rng, work: Work): Promise<LoraRow[]> {
  const all = loadDigits();
  const perm = rng.permutation(all.count);
  const source: number[] = [], target: number[] = [];
  for (const i of perm) (all.labels[i] < 5 ? source : target).push(i);
  const pre = source.slice(0, PRETRAIN);
  const ftTrain = target.slice(0, p.loraTrain);
  const ftTest = target.slice(p.loraTrain, p.loraTrain + TEST);
  const label = (idx: number[]) => idx.map((i) => all.labels[i]);
  const stepCost = (rows: number) => 6 * rows * (H * H + 2 * H * 64 + H * classes);

  // --- Pretraining on digits 0-4 (all weights, squared loss on one-hot targets, Adam). ---
  const W1 = variableOf(normalTensor(rng, [D, H], Math.sqrt(2 / D)));
  const b1 = variableOf(tf.zeros([1, H]));
  const W2 = variableOf(normalTensor(rng, [H, H], Math.sqrt(2 / H)));
  const b2 = variableOf(tf.zeros([1, H]));
  const W3 = variableOf(normalTensor(rng, [H, classes], Math.sqrt(1 / H)));
  const b3 = variableOf(tf.zeros([1, classes]));
  const Xpre = tf.tensor2d(downsample(all.X, pre), [pre.length, D]);
  const Ypre = tf.tensor2d(targets(label(pre), 0, rng), [pre.length, classes]);
  const Xtr = tf.tensor2d(downsample(all.X, ftTrain), [ftTrain.length, D]);
  const Ytr = tf.tensor2d(targets(label(ftTrain), p.loraNoise, rng.fork("fine-tune label noise")), [ftTrain.length, classes]);
  const Xte = tf.tensor2d(downsample(all.X, ftTest), [ftTest.length, D]);
  const Yte = tf.tensor2d(targets(label(ftTest), 0, rng), [ftTest.length, classes]);
  const mse = (out: tf.Tensor, Y: tf.Tensor) => tf.sum(tf.square(tf.sub(out, Y))).div(Y.shape[0]) as tf.Scalar;
  const rows: LoraRow[] = [];
  try {
    const opt = tf.train.adam(3e-3);
    for (let s = 0; s < p.loraPretrainSteps; s++) {
      const batch = Array.from({ length: PRE_BATCH }, () => rng.int(pre.length));
      const idx = tf.tensor1d(batch, "int32");
      opt.minimize(() => tf.tidy(() => {
        const x = tf.gather(Xpre, idx), y = tf.gather(Ypre, idx);
        const h = tf.relu(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, W1), b1)), W2), b2));
        return mse(tf.add(tf.matMul(h, W3), b3), y);
      }), false, [W1, b1, W2, b2, W3, b3]);
      idx.dispose();
      if (s % 10 === 9) await work(10 * stepCost(PRE_BATCH) * 4);
    }
    opt.dispose();

    // --- LoRA fine-tuning on digits 5-9 at every rank, with and without the perturbation. ---
    const h1tr = tf.tidy(() => tf.relu(tf.add(tf.matMul(Xtr, W1), b1)));
    const h1te = tf.tidy(() => tf.relu(tf.add(tf.matMul(Xte, W1), b1)));
    try {
      for (const ggpo of [false, true]) {
        for (const r of p.loraRanks) {
          const row = await fineTune(r, ggpo, rng.fork(`${ggpo ? "ggpo" : "lora"} r=${r}`));
          rows.push(row);
        }
      }
    } finally {
      h1tr.dispose();
      h1te.dispose();
    }

    async function fineTune(r: number, ggpo: boolean, g: Rng): Promise<LoraRow> {
      const s = ALPHA / Math.sqrt(r);
      const A = variableOf(normalTensor(g, [H, r], Math.sqrt(1 / H))); // W' = W₂ + s·A B in x·W layout
      const B = variableOf(tf.zeros([r, H]));
      const W3f = variableOf(W3.clone());
      const b3f = variableOf(b3.clone());
      const P = variableOf(tf.zeros([H, H])); // stays zero: its gradient is ∇ with respect to W'
      const opt = tf.train.adam(3e-3);
      let gradRows: ArrayLike<number> = new Float32Array(H); // ‖∇_i‖² per output unit i of the previous step
      const forward = (h1: tf.Tensor, E?: tf.Tensor) => {
        let W = tf.add(W2, tf.matMul(A, B).mul(s));
        if (E) W = tf.add(W, E);
        const h2 = tf.relu(tf.add(tf.matMul(h1, tf.add(W, P)), b2));
        return tf.add(tf.matMul(h2, W3f), b3f);
      };
      try {
        for (let t = 0; t < p.loraSteps; t++) {
          let E: tf.Tensor | undefined;
          if (ggpo) {
            // Row i of W' (in the paper's W·x layout) is column i here.
            const [colNorms] = await readTensors(() => [tf.sqrt(tf.sum(tf.square(tf.add(W2, tf.matMul(A, B).mul(s))), 0))]);
            const scale = new Float32Array(H * H);
            const z = g.normals(H * H);
            for (let a = 0; a < H; a++) {
              for (let i = 0; i < H; i++) scale[a * H + i] = z[a * H + i] * (p.ggpoSigma * colNorms[i] + p.ggpoBeta * gradRows[i]) / Math.sqrt(H);
            }
            E = tf.tensor2d(scale, [H, H]);
          }
          const { grads, value } = tf.variableGrads(() => tf.tidy(() => mse(forward(h1tr, E), Ytr)), [A, B, W3f, b3f, P]);
          value.dispose();
          E?.dispose();
          const { [P.name]: gp, ...trainable } = grads;
          try {
            if (ggpo) [gradRows] = await readTensors(() => [tf.sum(tf.square(gp), 0)]);
            opt.applyGradients(trainable as Record<string, tf.Variable>);
          } finally {
            tf.dispose([gp, ...Object.values(trainable)]);
          }
          if (t % 25 === 24) await work(25 * stepCost(p.loraTrain));
        }
        const [[train], [test], [wrong]] = await readTensors(() => {
          const out = forward(h1te);
          return [mse(forward(h1tr), Ytr), mse(out, Yte), tf.notEqual(tf.argMax(out, 1), tf.argMax(Yte, 1)).sum()];
        });
        return {
          method: ggpo ? "LoRA-GGPO" : "LoRA", rank: r, params: r * 2 * H + H * classes + classes,
          trainLoss: train, testLoss: test, testError: wrong / ftTest.length,
        };
      } finally {
        opt.dispose();
        tf.dispose([A, B, W3f, b3f, P]);
      }
    }
  } finally {
    tf.dispose([W1, b1, W2, b2, W3, b3, Xpre, Ypre, Xtr, Ytr, Xte, Yte]);
  }
  return rows;
}
