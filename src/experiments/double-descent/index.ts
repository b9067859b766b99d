/**
 * double-descent: test risk that peaks where a model can first interpolate its training data,
 * then falls again as the model grows (Belkin et al. 2019; Nakkiran et al. 2019; Hastie et al.
 * 2019), probed along model size, sample size, ridge strength, label noise, the isotropic theory
 * and LoRA rank.
 */
import type { Experiment } from "../types.js";
import { claimsOf } from "./claims.js";
import { figures } from "./figures.js";
import { constraints, params, presets, type DoubleDescentParams } from "./params.js";
import { run, type DoubleDescentTables } from "./run.js";

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
  run,
  figures,
  claims: claimsOf,
};
