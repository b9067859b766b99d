/**
 * Runs the three parts: (1) ranks of softmax, linear and RALA heads with random weights on random
 * and MNIST tokens over N and d; (2) a tiny ViT trained with each kind under one budget, with the
 * ranks of its trained heads; (3) the Scatterbrain probe. Every draw comes from ctx.rng forks.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Rng } from "../../compute/rng.js";
import { matmul, type Matrix } from "../../linalg/index.js";
import type { Result, RunContext, Tables } from "../types.js";
import { attend, attentionKinds, gridFor, randomHeadWeights, rankProfile, rope2d, usesRope, type AttentionKind, type RopeChoice } from "./attention.js";
import type { AttentionRankParams } from "./params.js";
import { defaultDecomposition, scatterbrainProbe, type DecompositionOptions, type DecompositionStep, type ProbePoint } from "./scatterbrain.js";
import { loadMnist, mnistTokens, randomTokens, take } from "./tokens.js";
import { accuracy, train } from "./train.js";
import { rowsOf } from "../rows.js";

/** Which token matrices a head sees: i.i.d. Gaussian, or MNIST 4 × 4 patches embedded. */
export type Input = "random" | "mnist";

/** The two matrices whose ranks are measured: the N × dv output and the d × dv KV buffer (not for softmax). */
export type RankedMatrix = "output" | "KV buffer";

/** A row of `ranks`: one matrix of one random head at one sweep point. */
export interface RankRow {
  input: Input;
  N: number;
  d: number;
  dv: number;
  trial: number;
  kind: AttentionKind;
  matrix: RankedMatrix;
  /** Numerical rank of the tokens X: no head's output can exceed it. */
  inputRank: number;
  numericalRank: number;
  effectiveRank: number;
}

/** A row of `spectra`: the i-th singular value of one matrix at (NRef, dRef), first trial. */
export interface SpectrumRow {
  input: Input;
  kind: AttentionKind;
  matrix: RankedMatrix;
  /** 1-based. */
  index: number;
  sigma: number;
  /** σᵢ / σ₁. */
  relative: number;
  /** The numerical-rank tolerance over σ₁. */
  tolRelative: number;
}

/** A row of `accuracy`: one trained ViT on the test split. */
export interface AccuracyRow {
  kind: AttentionKind;
  accuracy: number;
  /** Test digits scored. */
  n: number;
  parameters: number;
}

/** A row of `training`: mean training loss over the batches since the previous logged step. */
export interface TrainingRow {
  kind: AttentionKind;
  step: number;
  loss: number;
}

/** A row of `trainedRanks`: one matrix of one trained head on one test image, recomputed in Float64. */
export interface TrainedRankRow {
  kind: AttentionKind;
  block: number;
  head: number;
  image: number;
  matrix: RankedMatrix;
  numericalRank: number;
  effectiveRank: number;
}

/**
 * What the Scatterbrain probe approximates: the attention of a random head on Gaussian or MNIST
 * tokens, or of the trained softmax ViT (its last block's first head on the first test image).
 */
export type ProbeInput = Input | "trained";

/** A row of `scatterbrain`: one approximation's error at one temperature on one kind of tokens. */
export interface ScatterbrainRow extends ProbePoint {
  input: ProbeInput;
  /** Tokens N and per-query budget b of this probe. */
  N: number;
  budget: number;
}

/** A row of `decomposition`: one iteration of the oracle sparse + low-rank alternating projections. */
export interface DecompositionRow extends DecompositionStep {
  input: ProbeInput;
  temperature: number;
}

/** Each table in long format; the row types above say what a row holds. */
export interface AttentionRankTables extends Tables {
  /** RankRow, one per (input, N, d, trial, kind, matrix). */
  ranks: ColumnTable;
  /** SpectrumRow, one per (input, kind, matrix, index). */
  spectra: ColumnTable;
  /** AccuracyRow, one per kind (empty when train is off). */
  accuracy: ColumnTable;
  /** TrainingRow, one per (kind, logged step). */
  training: ColumnTable;
  /** TrainedRankRow, one per (kind, block, head, image, matrix). */
  trainedRanks: ColumnTable;
  /** ScatterbrainRow, one per (input, family, temperature, method). */
  scatterbrain: ColumnTable;
  /** DecompositionRow, one per (input, temperature, start, iteration); empty when oracle is off. */
  decomposition: ColumnTable;
}

export type AttentionRankResult = Result<AttentionRankTables>;

/** A table's rows as the row type its producer documents. */

/** The inputs a run analyses, from the `inputs` choice. */
export const inputsOf = (p: AttentionRankParams): Input[] => (p.inputs === "both" ? ["random", "mnist"] : [p.inputs as Input]);

/** The oracle decomposition's stopping rule under `p`. */
export const decompositionOf = (p: AttentionRankParams): DecompositionOptions => ({ ...defaultDecomposition, maxIterations: p.sbIterations });

/** The metric-key word of a matrix. */
const matrixKey = (m: RankedMatrix) => (m === "output" ? "output" : "kv");

function tokens(input: Input, N: number, D: number, rng: Rng): Matrix {
  return input === "random" ? randomTokens(N, D, rng) : mnistTokens(N, D, gridFor(N), rng);
}

/** The matrices of one head's result whose ranks are measured (softmax has no KV buffer). */
function rankedMatrices(res: { out: Matrix; kv?: Matrix }): Array<[RankedMatrix, Matrix]> {
  return res.kv ? [["output", res.out], ["KV buffer", res.kv]] : [["output", res.out]];
}

export async function run(p: AttentionRankParams, ctx: RunContext): Promise<AttentionRankResult> {
  const inputs = inputsOf(p);
  const rtol = p.rtol > 0 ? p.rtol : undefined;
  const points: Array<[number, number]> = [];
  for (const N of p.N) points.push([N, p.dRef]);
  for (const d of p.d) if (!points.some(([n, dd]) => n === p.NRef && dd === d)) points.push([p.NRef, d]);
  // Progress in units: one per (input, point, trial), one per training step, one per (input, τ).
  const probes = inputs.length + (p.train ? 1 : 0);
  const total = inputs.length * points.length * p.trials + (p.train ? attentionKinds.length * p.steps : 0) + probes * p.temperatures.length;
  const rope = p.rope as RopeChoice;
  let done = 0;

  // (1) Rank sweep on random heads.
  const rankRows: RankRow[] = [], spectrumRows: SpectrumRow[] = [];
  for (const input of inputs) {
    for (const [N, d] of points) {
      for (let trial = 0; trial < p.trials; trial++) {
        const r = ctx.rng.fork(`ranks/${input}/${N}/${d}/${trial}`);
        const X = tokens(input, N, p.width, r);
        const W = randomHeadWeights(p.width, d, p.dv, r);
        const inputRank = rankProfile(X, rtol).numericalRank;
        const reference = N === p.NRef && d === p.dRef && trial === 0;
        for (const kind of attentionKinds) {
          for (const [matrix, M] of rankedMatrices(attend(kind, X, W, gridFor(N), rope))) {
            const prof = rankProfile(M, rtol);
            rankRows.push({ input, N, d, dv: p.dv, trial, kind, matrix, inputRank, numericalRank: prof.numericalRank, effectiveRank: prof.effectiveRank });
            if (reference) {
              prof.spectrum.forEach((sigma, i) => spectrumRows.push({ input, kind, matrix, index: i + 1, sigma, relative: sigma / prof.spectrum[0], tolRelative: prof.tol / prof.spectrum[0] }));
            }
          }
        }
        await ctx.checkpoint(++done, total, `ranks ${input} N=${N} d=${d}`);
      }
    }
  }

  // (2) Trained comparison.
  const accuracyRows: AccuracyRow[] = [], trainingRows: TrainingRow[] = [], trainedRows: TrainedRankRow[] = [];
  let trainedQK: { Q: Matrix; K: Matrix } | undefined;
  if (p.train) {
    const mnist = loadMnist();
    const trainSet = take(mnist.train, p.trainSize), testSet = take(mnist.test, p.testSize);
    for (const kind of attentionKinds) {
      const config = { kind, patch: 4, width: p.vitWidth, heads: p.heads, depth: p.depth, mlpRatio: 2, lepeSize: 5, rope: usesRope(kind, rope) };
      const offset = done;
      const { model, curve } = await train(config, trainSet, {
        steps: p.steps, batch: p.batch, lr: p.lr, logEvery: Math.max(1, Math.round(p.steps / 20)),
        checkpoint: (step) => ctx.checkpoint((done = offset + step), total, `training ${kind}`),
      }, ctx.rng.fork(`train/${kind}`));
      try {
        curve.forEach((c) => trainingRows.push({ kind, ...c }));
        accuracyRows.push({ kind, accuracy: await accuracy(model, testSet), n: testSet.n, parameters: model.parameterCount() });
        for (let image = 0; image < Math.min(p.rankImages, testSet.n); image++) {
          const pixels = testSet.X.subarray(image * 784, (image + 1) * 784);
          for (let b = 0; b < p.depth; b++) {
            const X = await model.attentionInput(pixels, b);
            for (let h = 0; h < p.heads; h++) {
              const W = await model.headWeights(b, h);
              for (const [matrix, M] of rankedMatrices(attend(kind, X, W, model.grid, rope))) {
                const prof = rankProfile(M, rtol);
                trainedRows.push({ kind, block: b, head: h, image, matrix, numericalRank: prof.numericalRank, effectiveRank: prof.effectiveRank });
              }
              if (kind === "softmax" && image === 0 && b === p.depth - 1 && h === 0) {
                // The probe's trained attention: logits of this head as the model computes them.
                const Q = matmul(X, W.Wq), K = matmul(X, W.Wk);
                trainedQK = config.rope ? { Q: rope2d(Q, model.grid), K: rope2d(K, model.grid) } : { Q, K };
              }
            }
          }
        }
      } finally {
        model.dispose();
      }
    }
  }

  // (3) Scatterbrain probe: queries and keys of a random head on each kind of tokens, then of the trained softmax ViT.
  const sbRows: ScatterbrainRow[] = [], decompositionRows: DecompositionRow[] = [];
  const probe = async (input: ProbeInput, Q: Matrix, K: Matrix, budget: number, r: Rng) => {
    for (const tau of p.temperatures) {
      const pts = scatterbrainProbe(Q, K, [tau], budget, r, {
        oracle: p.oracle,
        decomposition: decompositionOf(p),
        onDecomposition: (temperature, steps) => steps.forEach((st) => decompositionRows.push({ input, temperature, ...st })),
      });
      for (const pt of pts) sbRows.push({ input, N: Q.rows, budget, ...pt });
      await ctx.checkpoint(++done, total, `scatterbrain ${input} τ=${tau}`);
    }
  };
  for (const input of inputs) {
    const r = ctx.rng.fork(`scatterbrain/${input}`);
    const X = tokens(input, p.sbN, p.width, r);
    const W = randomHeadWeights(p.width, p.sbD, p.sbD, r);
    await probe(input, matmul(X, W.Wq), matmul(X, W.Wk), p.budget, r);
  }
  if (trainedQK) await probe("trained", trainedQK.Q, trainedQK.K, p.sbTrainedBudget, ctx.rng.fork("scatterbrain/trained"));

  const tables: AttentionRankTables = {
    ranks: aq.from(rankRows),
    spectra: aq.from(spectrumRows),
    accuracy: aq.from(accuracyRows),
    training: aq.from(trainingRows),
    trainedRanks: aq.from(trainedRows),
    scatterbrain: aq.from(sbRows),
    decomposition: aq.from(decompositionRows),
  };
  return { tables, metrics: metricsOf(tables, p) };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Headline numbers, keyed tokens.kind.matrix.measure with tokens ∈ {random, mnist, trained}:
 * mean ranks at the reference point (NRef, dRef) of the sweep, mean effective ranks of the
 * trained heads; then `accuracy.<kind>` and `parameters.<kind>` of the trained ViTs.
 */
function metricsOf(t: AttentionRankTables, p: AttentionRankParams): Record<string, number> {
  const m: Record<string, number> = {};
  const ranks = rowsOf<RankRow>(t.ranks);
  for (const input of inputsOf(p)) {
    for (const kind of attentionKinds) {
      for (const matrix of ["output", "KV buffer"] as const) {
        const rows = ranks.filter((r) => r.input === input && r.kind === kind && r.matrix === matrix && r.N === p.NRef && r.d === p.dRef);
        if (!rows.length) continue;
        const key = `${input}.${kind}.${matrixKey(matrix)}`;
        m[`${key}.numericalRank`] = mean(rows.map((r) => r.numericalRank));
        m[`${key}.effectiveRank`] = mean(rows.map((r) => r.effectiveRank));
      }
    }
  }
  for (const r of rowsOf<AccuracyRow>(t.accuracy)) {
    m[`accuracy.${r.kind}`] = r.accuracy;
    m[`parameters.${r.kind}`] = r.parameters;
  }
  const trained = rowsOf<TrainedRankRow>(t.trainedRanks);
  for (const kind of attentionKinds) {
    for (const matrix of ["output", "KV buffer"] as const) {
      const rows = trained.filter((r) => r.kind === kind && r.matrix === matrix);
      if (rows.length) m[`trained.${kind}.${matrixKey(matrix)}.effectiveRank`] = mean(rows.map((r) => r.effectiveRank));
    }
  }
  return m;
}
