/**
 * Runs the three parts: (1) ranks of softmax, linear and RALA heads with random weights on random
 * and MNIST tokens over N and d; (2) a tiny ViT trained with each kind under one budget, with the
 * ranks of its trained heads; (3) the Scatterbrain probe. Every draw comes from ctx.rng forks.
 */
import * as aq from "arquero";
import type { Rng } from "../../compute/rng.js";
import { UsageError } from "../../compute/usageError.js";
import { matmul, type Matrix } from "../../linalg/index.js";
import type { Result, RunContext } from "../types.js";
import { attend, attentionKinds, gridFor, randomHeadWeights, rankProfile, type AttentionKind } from "./attention.js";
import type { AttentionRankParams } from "./params.js";
import { scatterbrainProbe } from "./scatterbrain.js";
import { loadMnist, mnistTokens, randomTokens, take } from "./tokens.js";
import { accuracy, train } from "./train.js";

export type Input = "random" | "mnist";

export interface AttentionRankResult extends Result {
  tables: {
    /** One row per (input, N, d, trial, kind, matrix): numerical and effective rank. */
    ranks: aq.ColumnTable;
    /** Singular values at (NRef, dRef), first trial: one row per (input, kind, matrix, index). */
    spectra: aq.ColumnTable;
    /** Test accuracy and parameter count per kind (empty when train is off). */
    accuracy: aq.ColumnTable;
    /** Training loss per (kind, step). */
    training: aq.ColumnTable;
    /** Ranks of trained heads: one row per (kind, block, head, image, matrix). */
    trainedRanks: aq.ColumnTable;
    /** Approximation errors: one row per (input, family, temperature, method). */
    scatterbrain: aq.ColumnTable;
  };
}

function checkIntegers(name: string, xs: number[]): void {
  const bad = xs.find((x) => !Number.isInteger(x));
  if (bad !== undefined) throw new UsageError(`parameter ${name}=${xs.join(",")} has a non-integer ${bad}; allowed: integers`);
}

/** Checks what the schema cannot: integer lists, and heads dividing the ViT width. */
export function checkParams(p: AttentionRankParams): void {
  checkIntegers("N", p.N);
  checkIntegers("d", p.d);
  if (p.vitWidth % p.heads !== 0) throw new UsageError(`parameter vitWidth=${p.vitWidth} is not a multiple of heads=${p.heads}; allowed: vitWidth = heads · head dim`);
}

function abortable(ctx: RunContext): void {
  if (ctx.signal?.aborted) throw new Error("attention-rank: run aborted");
}

function tokens(input: Input, N: number, D: number, rng: Rng): Matrix {
  return input === "random" ? randomTokens(N, D, rng) : mnistTokens(N, D, gridFor(N), rng);
}

export async function run(p: AttentionRankParams, ctx: RunContext): Promise<AttentionRankResult> {
  checkParams(p);
  const inputs: Input[] = p.inputs === "both" ? ["random", "mnist"] : [p.inputs as Input];
  const rtol = p.rtol > 0 ? p.rtol : undefined;
  const points: Array<[number, number]> = [];
  for (const N of p.N) points.push([N, p.dRef]);
  for (const d of p.d) if (!points.some(([n, dd]) => n === p.NRef && dd === d)) points.push([p.NRef, d]);
  const total = inputs.length * points.length * p.trials + (p.train ? 3 * p.steps : 0) + inputs.length * p.temperatures.length;
  let done = 0;
  const tick = (label: string, n = 1) => ctx.progress((done += n), total, label);

  // (1) Rank sweep on random heads.
  const rankRows: object[] = [], spectrumRows: object[] = [];
  for (const input of inputs) {
    for (const [N, d] of points) {
      for (let trial = 0; trial < p.trials; trial++) {
        abortable(ctx);
        const r = ctx.rng.fork(`ranks/${input}/${N}/${d}/${trial}`);
        const X = tokens(input, N, p.width, r);
        const W = randomHeadWeights(p.width, d, p.dv, r);
        const inputRank = rankProfile(X, rtol).numericalRank;
        const reference = N === p.NRef && d === p.dRef && trial === 0;
        for (const kind of attentionKinds) {
          const res = attend(kind, X, W, gridFor(N));
          const mats: Array<[string, Matrix | undefined]> = [["output", res.out], ["KV buffer", res.kv]];
          for (const [matrix, M] of mats) {
            if (!M) continue;
            const prof = rankProfile(M, rtol);
            rankRows.push({ input, N, d, dv: p.dv, trial, kind, matrix, inputRank, numericalRank: prof.numericalRank, effectiveRank: prof.effectiveRank });
            if (reference) {
              prof.spectrum.forEach((sigma, i) => spectrumRows.push({ input, kind, matrix, index: i + 1, sigma, relative: sigma / prof.spectrum[0], tolRelative: prof.tol / prof.spectrum[0] }));
            }
          }
        }
        tick(`ranks ${input} N=${N} d=${d}`);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
  }

  // (2) Trained comparison.
  const accuracyRows: object[] = [], trainingRows: object[] = [], trainedRows: object[] = [];
  if (p.train) {
    const mnist = loadMnist();
    const trainSet = take(mnist.train, p.trainSize), testSet = take(mnist.test, p.testSize);
    for (const kind of attentionKinds as readonly AttentionKind[]) {
      abortable(ctx);
      const config = { kind, patch: 4, width: p.vitWidth, heads: p.heads, depth: p.depth, mlpRatio: 2, lepeSize: 5 };
      const { model, curve } = await train(config, trainSet, {
        steps: p.steps, batch: p.batch, lr: p.lr, logEvery: Math.max(1, Math.round(p.steps / 20)), signal: ctx.signal,
        onStep: () => tick(`training ${kind}`),
      }, ctx.rng.fork(`train/${kind}`));
      try {
        curve.forEach((c) => trainingRows.push({ kind, ...c }));
        accuracyRows.push({ kind, accuracy: accuracy(model, testSet), n: testSet.n, parameters: model.parameterCount() });
        for (let image = 0; image < Math.min(p.rankImages, testSet.n); image++) {
          const pixels = testSet.X.subarray(image * 784, (image + 1) * 784);
          for (let b = 0; b < p.depth; b++) {
            const X = model.attentionInput(pixels, b);
            for (let h = 0; h < p.heads; h++) {
              const res = attend(kind, X, model.headWeights(b, h), model.grid);
              const mats: Array<[string, Matrix | undefined]> = [["output", res.out], ["KV buffer", res.kv]];
              for (const [matrix, M] of mats) {
                if (!M) continue;
                const prof = rankProfile(M, rtol);
                trainedRows.push({ kind, block: b, head: h, image, matrix, numericalRank: prof.numericalRank, effectiveRank: prof.effectiveRank });
              }
            }
          }
        }
      } finally {
        model.dispose();
      }
    }
  }

  // (3) Scatterbrain probe: queries and keys of a random head on each kind of tokens.
  const sbRows: object[] = [];
  for (const input of inputs) {
    abortable(ctx);
    const r = ctx.rng.fork(`scatterbrain/${input}`);
    const X = tokens(input, p.sbN, p.width, r);
    const W = randomHeadWeights(p.width, p.sbD, p.sbD, r);
    const Q = matmul(X, W.Wq), K = matmul(X, W.Wk);
    for (const tau of p.temperatures) {
      for (const pt of scatterbrainProbe(Q, K, [tau], p.budget, r, { oracle: p.oracle })) sbRows.push({ input, ...pt });
      tick(`scatterbrain ${input} τ=${tau}`);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  const tables = {
    ranks: aq.from(rankRows),
    spectra: aq.from(spectrumRows),
    accuracy: aq.from(accuracyRows),
    training: aq.from(trainingRows),
    trainedRanks: aq.from(trainedRows),
    scatterbrain: aq.from(sbRows),
  };
  return { tables, metrics: metricsOf(tables, p, inputs) };
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Headline numbers: ranks at the reference point, accuracies, mean trained ranks. */
function metricsOf(t: AttentionRankResult["tables"], p: AttentionRankParams, inputs: Input[]): Record<string, number> {
  const m: Record<string, number> = {};
  const ranks = t.ranks.objects() as Array<Record<string, any>>;
  for (const input of inputs) {
    for (const kind of attentionKinds) {
      for (const matrix of ["output", "KV buffer"]) {
        const rows = ranks.filter((r) => r.input === input && r.kind === kind && r.matrix === matrix && r.N === p.NRef && r.d === p.dRef);
        if (!rows.length) continue;
        const key = `${input}.${kind}.${matrix === "output" ? "output" : "kv"}`;
        m[`${key}.numericalRank`] = mean(rows.map((r) => r.numericalRank));
        m[`${key}.effectiveRank`] = mean(rows.map((r) => r.effectiveRank));
      }
    }
  }
  for (const r of t.accuracy.objects() as Array<Record<string, any>>) {
    m[`accuracy.${r.kind}`] = r.accuracy;
    m[`parameters.${r.kind}`] = r.parameters;
  }
  const trained = t.trainedRanks.objects() as Array<Record<string, any>>;
  for (const kind of attentionKinds) {
    for (const matrix of ["output", "KV buffer"]) {
      const rows = trained.filter((r) => r.kind === kind && r.matrix === matrix);
      if (rows.length) m[`trained.${kind}.${matrix === "output" ? "output" : "kv"}.effectiveRank`] = mean(rows.map((r) => r.effectiveRank));
    }
  }
  return m;
}
