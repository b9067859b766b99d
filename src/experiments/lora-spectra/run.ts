/**
 * One run: pretrain on MNIST until the backbone's spectra stand clear of the random bulk, fine-tune
 * every variant on the shifted digits, compare each fine-tuned layer's singular vectors with the
 * pretrained ones (Float64), then scale the intruders of one LoRA model by λ and re-score it.
 */
import * as aq from "arquero";
import { tf } from "../../compute/backend.js";
import { UsageError } from "../../compute/usageError.js";
import { svd, type SVD } from "../../linalg/index.js";
import type { Matrix } from "../../linalg/matrix.js";
import type { Result, RunContext } from "../types.js";
import { _compare, _scaleDirections, intruderCount, type SpectralComparison } from "./compare.js";
import { classes, loadTasks, type Images } from "./data.js";
import { fineTune, variantsFor, type Variant } from "./finetune.js";
import { backbone, crossEntropy, dense, evaluate, kernelOf, logits, variableOf, weightOf, type Dense } from "./model.js";
import type { LoraSpectraParams } from "./params.js";
import { median, permutationPValue, relativeGaps, spearman } from "./stats.js";
import { train, type Batches } from "./train.js";

/** The ε grid of the intruder-count curves (the paper's Fig. 3 sweeps ε the same way). */
export const EPSILONS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export interface Outcome extends Variant {
  /** New-task (shifted digits) test accuracy and loss. */
  newAcc: number;
  newLoss: number;
  /** Pretraining-task test accuracy and loss with the pretraining head, after fine-tuning. */
  oldAcc: number;
  oldLoss: number;
  /** Forgetting: pretraining-task test loss after fine-tuning minus before. */
  forgetting: number;
  /** Intruders at ε per layer, and summed over layers. */
  intrudersByLayer: number[];
  intruders: number;
}

export interface Separation {
  /** 1-based, as in every table, metric and figure. */
  layer: number;
  /** (σ_i − σ_{i+1})/σ_i for i = 1..k, of the pretrained W0 and of the same layer at init. */
  gaps: number[];
  initGaps: number[];
  medianGap: number;
  initMedianGap: number;
}

export interface LambdaPoint {
  lambda: number;
  newAcc: number;
  oldAcc: number;
  oldLoss: number;
  forgetting: number;
}

export interface LoraSpectraResult extends Result {
  pretrained: { acc: number; loss: number };
  separation: Separation[];
  variants: Outcome[];
  correlation: { rho: number; p: number; n: number };
  /** The λ sweep on the α = 2r LoRA run with the most intruders (ties: the lowest rank). */
  intervention: { variant: string; intrudersByLayer: number[]; points: LambdaPoint[] };
}

function checkShape(p: LoraSpectraParams): void {
  if (![7, 14, 28].includes(p.side)) throw new UsageError(`lora-spectra: side=${p.side} is not allowed; allowed: 7, 14 or 28 (28×28 digits pooled evenly)`);
  const minDim = Math.min(p.hidden, p.side * p.side);
  for (const r of [...p.ranks, ...p.frozenRanks]) {
    if (!Number.isInteger(r) || r > minDim) throw new UsageError(`lora-spectra: rank r=${r} is not allowed; allowed: integers from 1 to min(hidden, side²) = ${minDim}`);
  }
  const stray = p.frozenRanks.filter((r) => !p.ranks.includes(r));
  if (stray.length) throw new UsageError(`lora-spectra: frozenRanks=${p.frozenRanks.join(",")} is not allowed; allowed: ranks from ranks=${p.ranks.join(",")} (each frozen-A run is compared with the trained one)`);
  if (new Set(p.ranks).size !== p.ranks.length) throw new UsageError(`lora-spectra: ranks=${p.ranks.join(",")} repeats a value`);
  if (p.k >= minDim) throw new UsageError(`lora-spectra: k=${p.k} is not allowed; allowed: 1 to ${minDim - 1} (k + 1 singular values are needed for the gaps)`);
}

function toBatches(im: Images): Batches {
  return tf.tidy(() => ({
    X: tf.tensor2d(im.X, [im.n, im.d]),
    Y: tf.oneHot(tf.tensor1d(im.y, "int32"), classes).toFloat() as tf.Tensor2D,
    n: im.n,
  }));
}

export async function run(p: LoraSpectraParams, ctx: RunContext): Promise<LoraSpectraResult> {
  checkShape(p);
  const tasks = loadTasks(p.side, p.nTrain, p.nTest, p.shift);
  const [preTrain, preTest, newTrain, newTest] = [tasks.pretrainTrain, tasks.pretrainTest, tasks.shiftedTrain, tasks.shiftedTest].map(toBatches);
  const dims = [p.side * p.side, ...Array(p.layers).fill(p.hidden)];
  const variants = variantsFor(p);
  const total = p.preSteps + variants.length * p.ftSteps + p.lambdas.length;
  let done = 0;
  let shown = -1;
  const tick = (label: string, n = 1) => {
    done += n;
    const percent = Math.floor((100 * done) / total);
    if (percent !== shown) {
      shown = percent;
      ctx.progress(done, total, label);
    }
  };
  const layers = backbone(dims, p.initScale, ctx.rng.fork("backbone init"));
  const head = dense(p.hidden, classes, 1, ctx.rng.fork("pretraining head init"));
  const owned: tf.Tensor[] = [preTrain.X, preTrain.Y, preTest.X, preTest.Y, newTrain.X, newTrain.Y, newTest.X, newTest.Y,
    ...layers.flatMap((l) => [l.K, l.b]), head.K, head.b];
  try {
    // 1. Pretraining, with decoupled weight decay on the kernels so the random bulk shrinks.
    const Winit = layers.map((l) => weightOf(l));
    await train((xb, yb) => crossEntropy(logits(xb, layers, head), yb),
      [{ vars: [...layers.flatMap((l) => [l.K, l.b]), head.K, head.b], lr: p.preLr, weightDecay: p.weightDecay, decay: layers.map((l) => l.K) }],
      preTrain, { steps: p.preSteps, batch: p.batch, rng: ctx.rng.fork("pretraining batches"), signal: ctx.signal, onStep: () => tick("pretraining") });
    const pretrained = evaluate(preTest.X, preTest.Y, layers, head);
    const W0 = layers.map((l) => weightOf(l));
    const svd0 = W0.map((W) => svd(W));
    const Sinit = Winit.map((W) => svd(W).S);
    const separation: Separation[] = svd0.map((s, layer) => {
      const gaps = relativeGaps(s.S, p.k);
      const initGaps = relativeGaps(Sinit[layer], p.k);
      return { layer: layer + 1, gaps, initGaps, medianGap: median(gaps), initMedianGap: median(initGaps) };
    });

    // 2. Every fine-tuning variant, compared layer by layer with W0.
    const settings = { k: p.k, epsilon: p.epsilon, side: "left" as const };
    const outcomes: Outcome[] = [];
    const comparisons = new Map<string, SpectralComparison[]>();
    const kept = new Map<string, { W: Matrix[]; svds: SVD[]; headK: Float32Array; headB: Float32Array }>();
    const ftRng = ctx.rng.fork("fine-tuning");
    for (const v of variants) {
      const tuned = await fineTune(v, layers, newTrain, p, ftRng, ctx.signal, () => tick(v.label));
      try {
        const now = evaluate(newTest.X, newTest.Y, tuned.layers, tuned.head, tuned.adapters);
        const old = evaluate(preTest.X, preTest.Y, tuned.layers, head, tuned.adapters);
        const W = tuned.layers.map((l, i) => weightOf(l, tuned.adapters?.[i]));
        const svds = W.map((M) => svd(M));
        const comps = svds.map((s, l) => _compare(svd0[l], s, settings));
        comparisons.set(v.id, comps);
        const byLayer = comps.map((c) => c.intruderCount);
        outcomes.push({
          ...v, newAcc: now.acc, newLoss: now.loss, oldAcc: old.acc, oldLoss: old.loss, forgetting: old.loss - pretrained.loss,
          intrudersByLayer: byLayer, intruders: byLayer.reduce((a, b) => a + b, 0),
        });
        if (v.method === "lora" && v.alphaRule === "2r" && !v.frozenA) {
          kept.set(v.id, { W, svds, headK: tuned.head.K.dataSync() as Float32Array, headB: tuned.head.b.dataSync() as Float32Array });
        }
      } finally {
        tuned.dispose();
      }
    }

    // 3. Forgetting against intruders, over every fine-tuned model (the paper's Fig. 7).
    const x = outcomes.map((o) => o.intruders);
    const y = outcomes.map((o) => o.forgetting);
    const correlation = { rho: spearman(x, y), p: permutationPValue(x, y, ctx.rng.fork("permutation test")), n: outcomes.length };

    // 4. The intervention (Fig. 8): scale each layer's intruders by λ and score both tasks again.
    const candidates = outcomes.filter((o) => kept.has(o.id));
    const target = candidates.reduce((best, o) => (o.intruders > best.intruders ? o : best), candidates[0]);
    const keep = kept.get(target.id)!;
    const targetComps = comparisons.get(target.id)!;
    const points: LambdaPoint[] = [];
    for (const lambda of p.lambdas) {
      if (ctx.signal?.aborted) throw new Error("lora-spectra: run aborted");
      const scaled: Dense[] = keep.W.map((W, l) => ({
        K: variableOf(kernelOf(_scaleDirections(W, keep.svds[l], targetComps[l].intruders, lambda))),
        b: layers[l].b, // LoRA leaves the biases at their pretrained values
      }));
      const newHead: Dense = { K: variableOf(tf.tensor2d(keep.headK, head.K.shape as [number, number])), b: variableOf(tf.tensor1d(keep.headB)) };
      try {
        const now = evaluate(newTest.X, newTest.Y, scaled, newHead);
        const old = evaluate(preTest.X, preTest.Y, scaled, head);
        points.push({ lambda, newAcc: now.acc, oldAcc: old.acc, oldLoss: old.loss, forgetting: old.loss - pretrained.loss });
      } finally {
        tf.dispose([...scaled.map((s) => s.K), newHead.K, newHead.b]);
      }
      tick("intervention");
    }

    return assemble(pretrained, separation, outcomes, comparisons, svd0.map((s) => s.S), Sinit, correlation,
      { variant: target.id, intrudersByLayer: target.intrudersByLayer, points });
  } finally {
    tf.dispose(owned);
  }
}

function assemble(
  pretrained: { acc: number; loss: number },
  separation: Separation[],
  variants: Outcome[],
  comparisons: Map<string, SpectralComparison[]>,
  S0: Float64Array[],
  Sinit: Float64Array[],
  correlation: LoraSpectraResult["correlation"],
  intervention: LoraSpectraResult["intervention"],
): LoraSpectraResult {
  const label = new Map(variants.map((v) => [v.id, v.label]));
  const curves: object[] = [];
  const layerRows: object[] = [];
  const similarity: object[] = [];
  for (const v of variants) {
    const comps = comparisons.get(v.id)!;
    comps.forEach((c, l) => {
      const layer = l + 1;
      for (const epsilon of EPSILONS) curves.push({ variant: v.id, label: v.label, method: v.method, r: v.r, alphaRule: v.alphaRule, frozenA: v.frozenA, layer, epsilon, intruders: intruderCount(c, epsilon) });
      layerRows.push({
        variant: v.id, layer, intruders: c.intruderCount, maxSimilarityMin: Math.min(...c.maxSimilarity),
        effectiveRank0: c.effectiveRank.W0, effectiveRank: c.effectiveRank.W, stableRank0: c.stableRank.W0, stableRank: c.stableRank.W,
      });
      for (let j = 0; j < c.similarity.rows; j++) {
        for (let i = 0; i < c.similarity.cols; i++) similarity.push({ variant: v.id, label: label.get(v.id), layer, j: j + 1, i: i + 1, similarity: c.similarity.data[j * c.similarity.cols + i] });
      }
    });
  }
  const spectra: object[] = [];
  S0.forEach((S, l) => {
    const layer = l + 1;
    S.forEach((sigma, i) => spectra.push({ layer, which: "pretrained", index: i + 1, sigma }));
    Sinit[l].forEach((sigma, i) => spectra.push({ layer, which: "random init", index: i + 1, sigma }));
  });
  const metrics: Record<string, number> = { "pretrained.acc": pretrained.acc, "pretrained.loss": pretrained.loss };
  for (const s of separation) {
    metrics[`layer${s.layer}.medianGap`] = s.medianGap;
    metrics[`layer${s.layer}.initMedianGap`] = s.initMedianGap;
  }
  for (const v of variants) {
    metrics[`${v.id}.newAcc`] = v.newAcc;
    metrics[`${v.id}.forgetting`] = v.forgetting;
    metrics[`${v.id}.intruders`] = v.intruders;
  }
  metrics["correlation.rho"] = correlation.rho;
  metrics["correlation.p"] = correlation.p;
  for (const pt of intervention.points) {
    metrics[`intervention.lambda${pt.lambda}.newAcc`] = pt.newAcc;
    metrics[`intervention.lambda${pt.lambda}.forgetting`] = pt.forgetting;
  }
  const columns = (rows: Outcome[]) => rows.map(({ intrudersByLayer, ...rest }) => ({ ...rest, intrudersByLayer: intrudersByLayer.join("/") }));
  return {
    tables: {
      variants: aq.from(columns(variants)),
      layers: aq.from(layerRows),
      intruders: aq.from(curves),
      similarity: aq.from(similarity),
      spectra: aq.from(spectra),
      intervention: aq.from(intervention.points),
    },
    metrics,
    pretrained,
    separation,
    variants,
    correlation,
    intervention,
  };
}
