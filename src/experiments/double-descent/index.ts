/**
 * double-descent: test risk that peaks where a model can first interpolate its training data,
 * then falls again as the model grows (Belkin et al. 2019; Nakkiran et al. 2019; Hastie et al.
 * 2019), probed along model size, sample size, ridge strength, label noise, the isotropic theory
 * and LoRA rank.
 */
import type { Cost, Experiment } from "../types.js";
import { claimsOf } from "./claims.js";
import { classes, mnistDigits } from "./data.js";
import { figures } from "./figures.js";
import { loraCost } from "./lora.js";
import { appendCost, dualPassCost } from "./model.js";
import { constraints, featureKinds, mainFeatures, params, presets, probesOf, type DoubleDescentParams } from "./params.js";
import { run, type DoubleDescentTables } from "./run.js";
import { isotropicCost } from "./theory.js";

const uniqueSorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/**
 * The run's work, by the same flop counts run.ts reports progress in: the Float64 QR sweeps on the
 * CPU (the bulk), and the LoRA probe's tfjs training (about 40 ops a step).
 */
export function cost(p: DoubleDescentParams): Cost {
  const probes = probesOf(p);
  const runs = (x: string) => probes.includes(x as never);
  const kinds = featureKinds(p);
  const main = mainFeatures(p);
  const gridN = uniqueSorted(p.ratios.map((r) => Math.max(1, Math.round(r * p.n))));
  const kBelow = gridN.filter((N) => N < p.n).pop() ?? 0;
  const Nmax = gridN[gridN.length - 1];
  const levels = runs("label-noise") ? uniqueSorted([0, ...p.labelNoise]).length : 1;
  let cpuFlops = 0;
  for (const k of kinds.filter((k) => runs("model-wise") || (k === main && (runs("ridge") || runs("label-noise"))))) {
    cpuFlops += appendCost(p.n, kBelow, classes * (k === main ? levels : 1)) + dualPassCost(Nmax, p.n, p.m);
  }
  if (runs("ridge")) cpuFlops += p.lambdas.length * dualPassCost(Nmax, p.n, p.m);
  if (runs("sample-wise")) {
    const gridSample = uniqueSorted(p.ratios.map((r) => Math.max(1, Math.round(p.sampleN / r)))).filter((n) => n <= mnistDigits - p.m);
    const below = gridSample.filter((n) => n < p.sampleN).pop() ?? 0;
    cpuFlops += appendCost(p.sampleN, below, 0) + appendCost(gridSample[gridSample.length - 1], p.sampleN, classes);
  }
  if (runs("theory")) cpuFlops += p.theoryTrials * isotropicCost(p.theoryP, uniqueSorted(p.ratios.map((g) => Math.max(1, Math.round(p.theoryP / g)))));
  const lora = runs("lora-rank");
  return {
    tensorFlops: lora ? loraCost(p) : 0,
    tensorOps: lora ? 40 * (p.loraPretrainSteps + 2 * p.loraRanks.length * p.loraSteps) : 0,
    cpuFlops,
  };
}

export const doubleDescent: Experiment<DoubleDescentParams, DoubleDescentTables> = {
  name: "double-descent",
  title: "Double descent: the risk peak at the interpolation threshold",
  description:
    "Random ReLU and Fourier features on MNIST fitted by least squares and, past N = n, by the minimum-norm " +
    "interpolant, all through one row-appended Householder QR in float64 per sweep (no normal equations). " +
    "Probes: model-wise (N), sample-wise (n), ridge (λ, and the best λ per N), label noise, the isotropic " +
    "closed form of Hastie et al., and LoRA rank with and without a GGPO-style perturbation.",
  papers: [
    {
      title: "Reconciling modern machine-learning practice and the classical bias–variance trade-off",
      authors: "Mikhail Belkin, Daniel Hsu, Siyuan Ma, Soumik Mandal",
      year: 2019,
      arxiv: "1812.11118",
      reproduces: "Fig. 2: random Fourier features on MNIST, test risk and solution norm against N, peak at N = n",
    },
    {
      title: "Deep Double Descent: Where Bigger Models and More Data Hurt",
      authors: "Preetum Nakkiran, Gal Kaplun, Yamini Bansal, Tristan Yang, Boaz Barak, Ilya Sutskever",
      year: 2019,
      arxiv: "1912.02292",
      reproduces: "label noise enlarges the peak; sample-wise non-monotonicity (more data hurts near the threshold)",
    },
    {
      title: "Optimal Regularization Can Mitigate Double Descent",
      authors: "Preetum Nakkiran, Prayaag Venkat, Sham Kakade, Tengyu Ma",
      year: 2020,
      arxiv: "2003.01897",
      reproduces: "optimally tuned ridge gives a risk without the peak",
    },
    {
      title: "Surprises in High-Dimensional Ridgeless Least Squares Interpolation",
      authors: "Trevor Hastie, Andrea Montanari, Saharon Rosset, Ryan J. Tibshirani",
      year: 2019,
      arxiv: "1903.08560",
      reproduces: "Theorem 1 (isotropic features): the closed-form risk of min-norm least squares against γ = p/n",
    },
    {
      title: "LoRA-GGPO: Mitigating Double Descent in LoRA Fine-Tuning via Gradient-Guided Perturbation Optimization",
      authors: "Yupeng Chang, Chenlu Guo, Yi Chang, Yuan Wu",
      year: 2025,
      arxiv: "2502.14538",
      reproduces: "double descent in LoRA rank, with and without a GGPO-style weight perturbation (at toy scale; see README)",
    },
  ],
  params,
  constraints,
  presets,
  cost,
  run,
  figures,
  claims: claimsOf,
};
