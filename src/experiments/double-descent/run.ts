/**
 * One run: the probes `p.probe` asks for, on one seeded MNIST split, each read off along its
 * sweep, into three long tables: `curves` (one row per probe × features × variant × grid point),
 * `theory` (one row per γ) and `lora` (one row per method × rank).
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Result, RunContext } from "../types.js";
import { classes, loadDigits, meanImage, oneHot, pixels, split, type Digits } from "./data.js";
import { centredPoints, featureBlock, randomFeatures } from "./features.js";
import { loraCost, loraRankProbe, type LoraRow } from "./lora.js";
import { appendCost, dualPassCost, modelWisePath, sampleWisePath, type PathPoint, type Work } from "./model.js";
import { featureKinds, mainFeatures, probesOf, type DoubleDescentParams, type Probe } from "./params.js";
import { metricsOf } from "./summary.js";
import { hmrtRisk, isotropicCost, isotropicRisks } from "./theory.js";

/**
 * The tables of a run; each is there only when a probe that fills it ran. Which probes ran and
 * which feature family is the main one are functions of the params (`probesOf`, `mainFeatures`).
 */
export type DoubleDescentTables = {
  /** One row per probe × features × variant × grid point (columns of `CurveRows`). */
  curves?: ColumnTable;
  /** One row per γ = p/n: gamma, n, p, risk (mean over trials), se, closedForm. */
  theory?: ColumnTable;
  /** One row per method × rank (`LoraRow`). */
  lora?: ColumnTable;
};

export type DoubleDescentResult = Result<DoubleDescentTables>;

interface CurveRows {
  probe: string[]; features: string[]; variant: string[]; size: number[]; ratio: number[];
  testRisk: number[]; testError: number[]; norm: number[]; trainRisk: number[]; kappa: number[];
}

const uniqueSorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
const pct = (x: number) => `${Math.round(100 * x)}%`;

/** Test risk (mean squared error of the one-hot prediction), zero-one error, for target group g. */
function scorePoint(pt: PathPoint, g: number, q: number, test: Digits, Yte: Float64Array) {
  let risk = 0, wrong = 0;
  for (let t = 0; t < test.count; t++) {
    let best = 0;
    for (let c = 0; c < classes; c++) {
      const v = pt.pred[t * q + g * classes + c];
      risk += (v - Yte[t * classes + c]) ** 2;
      if (v > pt.pred[t * q + g * classes + best]) best = c;
    }
    if (best !== test.labels[t]) wrong++;
  }
  let norm2 = 0, train2 = 0;
  for (let c = 0; c < classes; c++) {
    norm2 += pt.norm2[g * classes + c];
    train2 += pt.train2[g * classes + c];
  }
  return { testRisk: risk / test.count, testError: wrong / test.count, norm2, train2 };
}

export async function run(p: DoubleDescentParams, ctx: RunContext): Promise<DoubleDescentResult> {
  const pool = loadDigits().count - p.m;
  const probes = probesOf(p);
  const runs = (x: Probe) => probes.includes(x);
  const kinds = featureKinds(p);
  const main = mainFeatures(p);

  // --- The plan, so progress can be reported as a fraction of the whole run's work. ---
  const gridN = uniqueSorted(p.ratios.map((r) => Math.max(1, Math.round(r * p.n))));
  const kBelow = gridN.filter((N) => N < p.n).pop() ?? 0;
  const minNormKinds = kinds.filter((k) => runs("model-wise") || (k === main && (runs("ridge") || runs("label-noise"))));
  const levels = runs("label-noise") ? uniqueSorted([0, ...p.labelNoise]) : [0];
  const gridSample = uniqueSorted(p.ratios.map((r) => Math.max(1, Math.round(p.sampleN / r)))).filter((n) => n <= pool);
  const gridTheory = uniqueSorted(p.ratios.map((g) => Math.max(1, Math.round(p.theoryP / g))));
  const Nmax = gridN[gridN.length - 1];
  let total = 0;
  for (const k of minNormKinds) {
    const q = classes * (k === main ? levels.length : 1);
    total += appendCost(p.n, kBelow, q) + dualPassCost(Nmax, p.n, p.m);
  }
  if (runs("ridge")) total += p.lambdas.length * dualPassCost(Nmax, p.n, p.m);
  if (runs("sample-wise")) {
    const below = gridSample.filter((n) => n < p.sampleN).pop() ?? 0;
    total += appendCost(p.sampleN, below, 0) + appendCost(gridSample[gridSample.length - 1], p.sampleN, classes);
  }
  if (runs("theory")) total += p.theoryTrials * isotropicCost(p.theoryP, gridTheory);
  if (runs("lora-rank")) total += loraCost(p);
  let done = 0;
  // The cost model is approximate, so `done` is capped at the total it promised.
  const work: Work = async (flops) => {
    done += flops;
    await ctx.checkpoint(Math.min(done, total), total, "double-descent");
  };

  const rows: CurveRows = { probe: [], features: [], variant: [], size: [], ratio: [], testRisk: [], testError: [], norm: [], trainRisk: [], kappa: [] };
  const push = (probe: string, features: string, variant: string, pt: PathPoint, ratio: number, s: ReturnType<typeof scorePoint>, norm: number, trainN: number) => {
    rows.probe.push(probe); rows.features.push(features); rows.variant.push(variant); rows.size.push(pt.size); rows.ratio.push(ratio);
    rows.testRisk.push(s.testRisk); rows.testError.push(s.testError); rows.norm.push(norm); rows.trainRisk.push(s.train2 / trainN);
    rows.kappa.push(pt.kappa);
  };

  const mnist = runs("model-wise") || runs("ridge") || runs("label-noise") || runs("sample-wise");
  if (mnist) {
    // Only the digits some probe uses are copied out; which digits those are does not depend on it.
    const used = Math.max(runs("sample-wise") ? gridSample[gridSample.length - 1] : 0, minNormKinds.length > 0 ? p.n : 0);
    const { train, test } = split(ctx.rng.fork("split"), used, p.m);
    const Yte = oneHot(test.labels, 0, ctx.rng.fork("test labels"));
    const xbar = meanImage();
    // Training points first, then test points: the column order every feature row uses.
    const points = centredPoints(minNormKinds.length > 0 ? [train.X.subarray(0, p.n * pixels), test.X] : [], pixels, xbar);

    for (const kind of minNormKinds) {
      // Fixed output scale 1/√n, so a ridge λ means the same at every N (see README).
      // Streamed unless the ridge sweep reads these features again after the min-norm one.
      const once = !(kind === main && runs("ridge"));
      const f = randomFeatures(kind, Nmax, pixels, p.bandwidth, 1 / Math.sqrt(p.n), ctx.rng.fork(`features ${kind}`), once);
      const features = (j0: number, j1: number, out: Float64Array) => featureBlock(f, points, j0, j1, 0, points.count, true, out); // feature-major
      const lv = kind === main ? levels : [0];
      const Y = new Float64Array(p.n * classes * lv.length);
      lv.forEach((noise, g) => {
        const Yg = oneHot(train.labels.subarray(0, p.n), noise, ctx.rng.fork(`label noise ${noise}`));
        for (let i = 0; i < p.n; i++) for (let c = 0; c < classes; c++) Y[i * classes * lv.length + g * classes + c] = Yg[i * classes + c];
      });
      const q = classes * lv.length;
      const path = await modelWisePath({ n: p.n, m: p.m, Y, q, features, grid: gridN, ridge: 0, work });
      for (const pt of path) {
        const kernelNorm = (s: ReturnType<typeof scorePoint>) => Math.sqrt(s.norm2 * (pt.size / p.n));
        const s0 = scorePoint(pt, 0, q, test, Yte);
        if (runs("model-wise")) push("model-wise", kind, "min-norm", pt, pt.size / p.n, s0, kernelNorm(s0), p.n);
        if (kind === main && runs("ridge")) push("ridge", kind, "λ=0", pt, pt.size / p.n, s0, kernelNorm(s0), p.n);
        if (kind === main && runs("label-noise")) {
          lv.forEach((noise, g) => {
            const s = scorePoint(pt, g, q, test, Yte);
            push("label-noise", kind, `noise ${pct(noise)}`, pt, pt.size / p.n, s, kernelNorm(s), p.n);
          });
        }
      }
      if (kind === main && runs("ridge")) {
        const Y0 = oneHot(train.labels.subarray(0, p.n), 0, ctx.rng.fork("label noise 0"));
        for (const lambda of p.lambdas) {
          const rp = await modelWisePath({ n: p.n, m: p.m, Y: Y0, q: classes, features, grid: gridN, ridge: lambda, work });
          for (const pt of rp) {
            const s = scorePoint(pt, 0, classes, test, Yte);
            push("ridge", kind, `λ=${lambda}`, pt, pt.size / p.n, s, Math.sqrt(s.norm2 * (pt.size / p.n)), p.n);
          }
        }
      }
    }

    if (runs("sample-wise")) {
      const N = p.sampleN;
      const nMax = gridSample[gridSample.length - 1];
      const f = randomFeatures(main, N, pixels, p.bandwidth, 1 / Math.sqrt(N), ctx.rng.fork(`sample-wise features ${main}`));
      const trainPts = centredPoints(train.X.subarray(0, nMax * pixels), pixels, xbar);
      const Psi = featureBlock(f, centredPoints(test.X, pixels, xbar), 0, N);
      const Y = oneHot(train.labels.subarray(0, nMax), 0, ctx.rng.fork("label noise 0"));
      const path = await sampleWisePath({ N, m: p.m, Y, q: classes, rows: (i0, i1) => featureBlock(f, trainPts, 0, N, i0, i1), Psi, grid: gridSample, work });
      for (const pt of path) {
        const s = scorePoint(pt, 0, classes, test, Yte);
        push("sample-wise", main, "min-norm", pt, N / pt.size, s, Math.sqrt(s.norm2), pt.size);
      }
    }
  }

  const tables: DoubleDescentTables = {};
  if (rows.probe.length > 0) tables.curves = aq.table(rows as unknown as Record<string, unknown[]>);

  if (runs("theory")) {
    const th = { gamma: [] as number[], n: [] as number[], p: [] as number[], risk: [] as number[], se: [] as number[], closedForm: [] as number[] };
    const sums = gridTheory.map(() => [0, 0]);
    for (let t = 0; t < p.theoryTrials; t++) {
      const risks = await isotropicRisks(p.theoryP, gridTheory, p.theorySigma, 1, ctx.rng.fork(`theory trial ${t}`), work);
      risks.forEach((r, i) => {
        sums[i][0] += r;
        sums[i][1] += r * r;
      });
    }
    const T = p.theoryTrials;
    gridTheory.forEach((n, i) => {
      const mean = sums[i][0] / T;
      const variance = Math.max(0, (sums[i][1] - T * mean * mean) / (T - 1));
      th.gamma.push(p.theoryP / n); th.n.push(n); th.p.push(p.theoryP);
      th.risk.push(mean); th.se.push(Math.sqrt(variance / T));
      th.closedForm.push(hmrtRisk(p.theoryP / n, p.theorySigma ** 2));
    });
    tables.theory = aq.table(th);
  }

  if (runs("lora-rank")) {
    const lr: LoraRow[] = await loraRankProbe(p, ctx.rng.fork("lora"), work);
    tables.lora = aq.from(lr);
  }

  await ctx.checkpoint(total, total, "double-descent");
  return { tables, metrics: metricsOf(tables, main) };
}
