/**
 * One run: pretrain on MNIST until the backbone's spectra stand clear of the random bulk, fine-tune
 * every variant on the shifted digits, compare each fine-tuned layer's singular vectors with the
 * pretrained ones (Float64), then scale the intruders of one LoRA model by λ and re-score it.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { tf } from "../../compute/backend.js";
import { svd, type SVD } from "../../linalg/index.js";
import type { Matrix } from "../../linalg/matrix.js";
import type { Result, RunContext, Tables } from "../types.js";
import { _compare, _scaleDirections, intruderCount, type SpectralComparison } from "../../spectra/compare.js";
import { classes, loadTasks, type Images } from "./data.js";
import { fineTune, metricPrefix, variantsFor, type Variant } from "./finetune.js";
import { backbone, crossEntropy, dense, evaluate, kernelOf, logits, variableOf, weightOf, type Dense } from "./model.js";
import type { LoraSpectraParams } from "./params.js";
import { median } from "../median.js";
import { bootstrapSpearman, permutationPValue, relativeGaps, spearman } from "./stats.js";
import { train, type Batches } from "./train.js";

/** The ε grid of the intruder-count curves (the paper's Fig. 3 sweeps ε the same way). */
export const EPSILONS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** Level of the bootstrap interval of ρ (the conventional 95%, fixed before any run), and its resamples. */
export const CORRELATION_LEVEL = 0.95;
export const BOOTSTRAP_DRAWS = 2000;

/** A row of the `variants` table: one fine-tuned model, how it was trained and what it scored. */
export interface VariantRow extends Variant {
  /** New-task (shifted digits) test accuracy and loss. */
  newAcc: number;
  newLoss: number;
  /** Pretraining-task test accuracy and loss with the pretraining head, after fine-tuning. */
  oldAcc: number;
  oldLoss: number;
  /** Forgetting: pretraining-task test loss after fine-tuning minus before. */
  forgetting: number;
  /** Intruders at ε summed over layers, and per layer as 'l1/l2/…' (the `layers` table has them as numbers). */
  intruders: number;
  intrudersByLayer: string;
}

/** A row of the `layers` table: one fine-tuned model's comparison with W0 at one layer. */
export interface LayerRow {
  variant: string;
  /** 1-based, as in every table, metric and figure. */
  layer: number;
  intruders: number;
  maxSimilarityMin: number;
  effectiveRank0: number;
  effectiveRank: number;
  stableRank0: number;
  stableRank: number;
}

/**
 * A row of the `separation` table: how well the top k singular values of one pretrained layer
 * stand apart, as relative gaps (σ_i − σ_{i+1})/σ_i for i = 1..k, against the same layer at init.
 */
export interface SeparationRow {
  layer: number;
  medianGap: number;
  initMedianGap: number;
  /** The smallest of the pretrained layer's k gaps. */
  minGap: number;
}

/**
 * A row of the `intervention` table: the λ sweep on one model, `variant` (the α = 2r LoRA run
 * with the most intruders; ties: the lowest rank), the same on every row.
 */
export interface LambdaRow {
  variant: string;
  lambda: number;
  newAcc: number;
  oldAcc: number;
  oldLoss: number;
  forgetting: number;
}

/** Each table in long format; the row types above say what a row holds. */
export interface LoraSpectraTables extends Tables {
  /** VariantRow, one per fine-tuned model. */
  variants: ColumnTable;
  /** LayerRow, one per (model, layer). */
  layers: ColumnTable;
  /** The ε sweep: intruders of one model at one layer at one ε of EPSILONS. */
  intruders: ColumnTable;
  /** |cos| between fine-tuned vector j and pretrained vector i (top k of each), per model and layer. */
  similarity: ColumnTable;
  /** Every singular value of each layer, pretrained and at random init. */
  spectra: ColumnTable;
  /** SeparationRow, one per layer. */
  separation: ColumnTable;
  /** LambdaRow, one per λ. */
  intervention: ColumnTable;
}

export type LoraSpectraResult = Result<LoraSpectraTables>;

/** A table's rows as the row type its producer documents. */

/** A λ as a metric-key word: 0.7 → 'lambda0p7' (a dot would read as a key separator). */
export const lambdaKey = (lambda: number): string => `lambda${String(lambda).replace(/\./g, "p").replace(/-/g, "m")}`;

function toBatches(im: Images): Batches {
  return tf.tidy(() => ({
    X: tf.tensor2d(im.X, [im.n, im.d]),
    Y: tf.oneHot(tf.tensor1d(im.y, "int32"), classes).toFloat() as tf.Tensor2D,
    n: im.n,
  }));
}

export async function run(p: LoraSpectraParams, ctx: RunContext): Promise<LoraSpectraResult> {
  const tasks = loadTasks(p.side, p.nTrain, p.nTest, p.shift);
  const [preTrain, preTest, newTrain, newTest] = [tasks.pretrainTrain, tasks.pretrainTest, tasks.shiftedTrain, tasks.shiftedTest].map(toBatches);
  const dims = [p.side * p.side, ...Array(p.layers).fill(p.hidden)];
  const variants = variantsFor(p);
  // Progress in optimiser steps (pretraining, then each variant in turn), then one unit per λ.
  const total = p.preSteps + variants.length * p.ftSteps + p.lambdas.length;
  const stepsFrom = (offset: number, label: string) => (done: number) => ctx.checkpoint(offset + done, total, label);
  const layers = backbone(dims, p.initScale, ctx.rng.fork("backbone init"));
  const head = dense(p.hidden, classes, 1, ctx.rng.fork("pretraining head init"));
  const owned: tf.Tensor[] = [preTrain.X, preTrain.Y, preTest.X, preTest.Y, newTrain.X, newTrain.Y, newTest.X, newTest.Y,
    ...layers.flatMap((l) => [l.K, l.b]), head.K, head.b];
  try {
    // 1. Pretraining, with decoupled weight decay on the kernels so the random bulk shrinks.
    const Winit = await Promise.all(layers.map((l) => weightOf(l)));
    await train((xb, yb) => crossEntropy(logits(xb, layers, head), yb),
      [{ vars: [...layers.flatMap((l) => [l.K, l.b]), head.K, head.b], lr: p.preLr, weightDecay: p.weightDecay, decay: layers.map((l) => l.K) }],
      preTrain, { steps: p.preSteps, batch: p.batch, rng: ctx.rng.fork("pretraining batches"), checkpoint: stepsFrom(0, "pretraining") });
    const pretrained = await evaluate(preTest.X, preTest.Y, layers, head);
    const W0 = await Promise.all(layers.map((l) => weightOf(l)));
    const svd0 = W0.map((W) => svd(W));
    const Sinit = Winit.map((W) => svd(W).S);
    const separation: SeparationRow[] = svd0.map((s, layer) => {
      const gaps = relativeGaps(s.S, p.k);
      return { layer: layer + 1, medianGap: median(gaps), initMedianGap: median(relativeGaps(Sinit[layer], p.k)), minGap: Math.min(...gaps) };
    });

    // 2. Every fine-tuning variant, compared layer by layer with W0.
    const settings = { k: p.k, epsilon: p.epsilon, side: "left" as const };
    const outcomes: Outcome[] = [];
    const comparisons = new Map<string, SpectralComparison[]>();
    const kept = new Map<string, { W: Matrix[]; svds: SVD[]; headK: Float32Array; headB: Float32Array }>();
    const ftRng = ctx.rng.fork("fine-tuning");
    for (const [vi, v] of variants.entries()) {
      const rng = v.seed === 0 ? ftRng : ftRng.fork(`replicate ${v.seed}`);
      const tuned = await fineTune(v, layers, newTrain, p, rng, stepsFrom(p.preSteps + vi * p.ftSteps, v.label));
      try {
        const now = await evaluate(newTest.X, newTest.Y, tuned.layers, tuned.head, tuned.adapters);
        const old = await evaluate(preTest.X, preTest.Y, tuned.layers, head, tuned.adapters);
        const W = await Promise.all(tuned.layers.map((l, i) => weightOf(l, tuned.adapters?.[i])));
        const svds = W.map((M) => svd(M));
        const comps = svds.map((s, l) => _compare(svd0[l], s, settings));
        comparisons.set(v.id, comps);
        const byLayer = comps.map((c) => c.intruderCount);
        outcomes.push({
          ...v, newAcc: now.acc, newLoss: now.loss, oldAcc: old.acc, oldLoss: old.loss, forgetting: old.loss - pretrained.loss,
          intrudersByLayer: byLayer, intruders: byLayer.reduce((a, b) => a + b, 0),
        });
        if (v.method === "lora" && v.alphaRule === "2r" && !v.frozenA && v.seed === 0) {
          kept.set(v.id, { W, svds, headK: await tuned.head.K.data() as Float32Array, headB: await tuned.head.b.data() as Float32Array });
        }
      } finally {
        tuned.dispose();
      }
    }

    // 3. Forgetting against intruders, over every fine-tuned model of every seed (the paper's Fig. 7).
    const x = outcomes.map((o) => o.intruders);
    const y = outcomes.map((o) => o.forgetting);
    const ci = bootstrapSpearman(x, y, ctx.rng.fork("bootstrap"), CORRELATION_LEVEL, BOOTSTRAP_DRAWS);
    const correlation: Correlation = {
      rho: spearman(x, y), lo: ci.lo, hi: ci.hi, p: permutationPValue(x, y, ctx.rng.fork("permutation test")),
      models: outcomes.length, seeds: new Set(outcomes.map((o) => o.seed)).size,
    };

    // 4. The intervention (Fig. 8): scale each layer's intruders by λ and score both tasks again.
    const candidates = outcomes.filter((o) => kept.has(o.id));
    const target = candidates.reduce((best, o) => (o.intruders > best.intruders ? o : best), candidates[0]);
    const keep = kept.get(target.id)!;
    const targetComps = comparisons.get(target.id)!;
    const points: LambdaRow[] = [];
    const interventionStart = p.preSteps + variants.length * p.ftSteps;
    for (const [li, lambda] of p.lambdas.entries()) {
      const scaled: Dense[] = keep.W.map((W, l) => ({
        K: variableOf(kernelOf(_scaleDirections(W, keep.svds[l], targetComps[l].intruders, lambda))),
        b: layers[l].b, // LoRA leaves the biases at their pretrained values
      }));
      const newHead: Dense = { K: variableOf(tf.tensor2d(keep.headK, head.K.shape as [number, number])), b: variableOf(tf.tensor1d(keep.headB)) };
      try {
        const now = await evaluate(newTest.X, newTest.Y, scaled, newHead);
        const old = await evaluate(preTest.X, preTest.Y, scaled, head);
        points.push({ variant: target.id, lambda, newAcc: now.acc, oldAcc: old.acc, oldLoss: old.loss, forgetting: old.loss - pretrained.loss });
      } finally {
        tf.dispose([...scaled.map((s) => s.K), newHead.K, newHead.b]);
      }
      await ctx.checkpoint(interventionStart + li + 1, total, "intervention");
    }

    return assemble(pretrained, separation, outcomes, comparisons, svd0.map((s) => s.S), Sinit, correlation, points);
  } finally {
    tf.dispose(owned);
  }
}

/** Spearman ρ of intruders and forgetting over the run's models, its bootstrap interval, and what it pooled. */
interface Correlation {
  rho: number;
  lo: number;
  hi: number;
  p: number;
  models: number;
  seeds: number;
}

/** A fine-tuned model's outcome while the run is in flight: intruders per layer as numbers. */
interface Outcome extends Omit<VariantRow, "intrudersByLayer"> {
  intrudersByLayer: number[];
}

function assemble(
  pretrained: { acc: number; loss: number },
  separation: SeparationRow[],
  variants: Outcome[],
  comparisons: Map<string, SpectralComparison[]>,
  S0: Float64Array[],
  Sinit: Float64Array[],
  correlation: Correlation,
  intervention: LambdaRow[],
): LoraSpectraResult {
  const label = new Map(variants.map((v) => [v.id, v.label]));
  const curves: object[] = [];
  const layerRows: LayerRow[] = [];
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
  for (const v of variants.filter((o) => o.seed === 0)) {
    const key = metricPrefix(v);
    metrics[`${key}.newAcc`] = v.newAcc;
    metrics[`${key}.forgetting`] = v.forgetting;
    metrics[`${key}.intruders`] = v.intruders;
  }
  metrics["correlation.rho"] = correlation.rho;
  metrics["correlation.lo"] = correlation.lo;
  metrics["correlation.hi"] = correlation.hi;
  metrics["correlation.p"] = correlation.p;
  metrics["correlation.models"] = correlation.models;
  metrics["correlation.seeds"] = correlation.seeds;
  for (const pt of intervention) {
    metrics[`intervention.${lambdaKey(pt.lambda)}.newAcc`] = pt.newAcc;
    metrics[`intervention.${lambdaKey(pt.lambda)}.forgetting`] = pt.forgetting;
  }
  const variantRows: VariantRow[] = variants.map(({ intrudersByLayer, ...rest }) => ({ ...rest, intrudersByLayer: intrudersByLayer.join("/") }));
  return {
    tables: {
      variants: aq.from(variantRows),
      layers: aq.from(layerRows),
      intruders: aq.from(curves),
      similarity: aq.from(similarity),
      spectra: aq.from(spectra),
      separation: aq.from(separation),
      intervention: aq.from(intervention),
    },
    metrics,
  };
}
