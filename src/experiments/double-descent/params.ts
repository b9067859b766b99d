/**
 * Parameters in the papers' symbols: n training samples, N random features, N/n the
 * over-parameterisation ratio, λ the ridge strength, p/n = γ in the isotropic theory, r the LoRA
 * rank. One `probe` picks which sweep runs; `all` runs every one of them on one seed.
 */
import type { Constraint } from "../types.js";
import type { Schema } from "../schema.js";
import { mnistDigits } from "./data.js";
import type { FeatureKind } from "./features.js";

export const probes = ["all", "all-linear", "model-wise", "sample-wise", "ridge", "label-noise", "theory", "lora-rank"] as const;
export type Probe = (typeof probes)[number];

/** The probes a run can be asked for one at a time, in the order `all` runs them. */
export const singleProbes: readonly Probe[] = ["model-wise", "sample-wise", "ridge", "label-noise", "theory", "lora-rank"];

export interface DoubleDescentParams {
  probe: Probe;
  n: number;
  m: number;
  ratios: number[];
  features: "relu" | "fourier" | "both";
  bandwidth: number;
  lambdas: number[];
  labelNoise: number[];
  sampleN: number;
  theoryP: number;
  theoryTrials: number;
  theorySigma: number;
  loraRanks: number[];
  loraTrain: number;
  loraPretrainSteps: number;
  loraSteps: number;
  loraNoise: number;
  ggpoSigma: number;
  ggpoBeta: number;
}

export const params: Schema<DoubleDescentParams> = {
  probe: { type: "choice", choices: probes, default: "all", help: "which sweep: model-wise (N), sample-wise (n), ridge (λ), label-noise, theory (γ = p/n), lora-rank (r); all; or all-linear (all but lora-rank)" },
  n: { type: "int", default: 1000, min: 10, max: 5000, help: "training samples n of the MNIST model-wise, ridge and label-noise sweeps" },
  m: { type: "int", default: 500, min: 10, max: 5000, help: "test samples m (disjoint from training) on which risk is measured" },
  ratios: {
    type: "number[]", min: 0.01, max: 20,
    default: [0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1, 1.05, 1.1, 1.25, 1.5, 2, 3, 5, 7, 10],
    help: "grid of over-parameterisation ratios N/n (model-wise: N = ratio·n; sample-wise: n = N/ratio; theory: γ)",
  },
  features: { type: "choice", choices: ["relu", "fourier", "both"], default: "both", help: "random features of the model-wise sweep; the other MNIST probes use the first" },
  bandwidth: { type: "number", default: 1, min: 0.01, max: 100, help: "Fourier features: Gaussian-kernel bandwidth σ, in units of ‖x‖ = 1" },
  lambdas: {
    type: "number[]", default: [0.001, 0.01, 0.1, 1], min: 1e-12, max: 1e6,
    help: "ridge strengths λ (penalty λ‖β‖² on features scaled by 1/√n); the optimal curve is the best of these at each N",
  },
  labelNoise: { type: "number[]", default: [0, 0.1, 0.2], min: 0, max: 0.9, help: "fractions of training labels replaced by a random other class" },
  sampleN: { type: "int", default: 1000, min: 10, max: 5000, help: "features N held fixed in the sample-wise sweep" },
  theoryP: { type: "int", default: 200, min: 5, max: 2000, help: "dimension p of the isotropic model (n = p/γ samples)" },
  theoryTrials: { type: "int", default: 20, min: 2, max: 1000, help: "independent draws averaged per γ in the theory probe" },
  theorySigma: { type: "number", default: 0.5, min: 0, max: 10, help: "noise σ of y = xᵀβ + ε in the theory probe (‖β‖ = 1)" },
  loraRanks: { type: "number[]", default: [1, 2, 4, 8, 16, 32, 64], min: 1, max: 128, help: "LoRA ranks r swept (integers)" },
  loraTrain: { type: "int", default: 256, min: 10, max: 4000, help: "fine-tuning samples (digits 5-9) in the lora-rank probe" },
  loraPretrainSteps: { type: "int", default: 300, min: 1, max: 20000, help: "Adam steps (batches of 100 digits 0-4) pretraining the network the lora-rank probe fine-tunes" },
  loraSteps: { type: "int", default: 600, min: 1, max: 20000, help: "full-batch Adam steps of each LoRA fine-tuning run" },
  loraNoise: { type: "number", default: 0.2, min: 0, max: 0.9, help: "label noise of the fine-tuning set in the lora-rank probe" },
  ggpoSigma: { type: "number", default: 0.05, min: 0, max: 10, help: "GGPO-style perturbation: weight-norm coefficient (scale σ‖W'_i‖/√d_in per row i)" },
  ggpoBeta: { type: "number", default: 0.01, min: 0, max: 10, help: "GGPO-style perturbation: gradient-norm coefficient (adds β‖∇_i‖²/√d_in per row i)" },
};

/** The probes `p.probe` asks for, `all` and `all-linear` expanded. */
export function probesOf(p: Pick<DoubleDescentParams, "probe">): Probe[] {
  if (p.probe === "all") return [...singleProbes];
  if (p.probe === "all-linear") return singleProbes.filter((x) => x !== "lora-rank");
  return [p.probe];
}

/** The feature families of the model-wise sweep. */
export function featureKinds(p: Pick<DoubleDescentParams, "features">): FeatureKind[] {
  return p.features === "both" ? ["relu", "fourier"] : [p.features];
}

/** The feature family of the ridge, label-noise and sample-wise probes: the first of `features`. */
export const mainFeatures = (p: Pick<DoubleDescentParams, "features">): FeatureKind => featureKinds(p)[0];

export const constraints: Constraint<DoubleDescentParams>[] = [
  // Each grid point is one row of the curves; a repeated ratio would be two rows at one N.
  (p) => (new Set(p.ratios).size === p.ratios.length ? undefined : `ratios=${p.ratios.join(",")} repeats a value; allowed: distinct ratios`),
  (p) => (p.n + p.m <= mnistDigits ? undefined
    : `n=${p.n} plus m=${p.m} is not allowed; allowed: n + m ≤ ${mnistDigits} (training and test digits are disjoint MNIST digits)`),
  (p) => {
    const bad = p.loraRanks.find((r) => !Number.isInteger(r));
    return bad === undefined ? undefined : `loraRanks=${p.loraRanks.join(",")} is not allowed (r=${bad}); allowed: integer ranks`;
  },
];

/**
 * `paper`: every probe on one seed; n = 1000 MNIST digits (Belkin et al. used 10⁴, see README for
 * why not here), N up to 10n. `quick`: the five linear probes at toy scale, seconds, for the tests;
 * its LoRA settings (used with probe=lora-rank) are too small to reach the LoRA peak (README).
 */
export const presets: Record<string, Partial<DoubleDescentParams>> = {
  paper: { probe: "all" },
  /**
   * `full`: every probe at the largest scale the data allows, for a long run (the Float64 sweeps run
   * on the CPU whatever the backend; only the LoRA probe uses it). Belkin et al. (arXiv:1812.11118,
   * Fig. 2) fit n = 10⁴ digits of MNIST's 60,000; the `mnist` package ships 10,000 and training and
   * test digits are disjoint, so n = 5,000 training and m = 5,000 test digits (n + m = 10,000, and
   * 5,000 is the schema's cap on n and m), N up to 10n = 50,000 features. The sample-wise probe
   * holds N = 2,500 so that n reaches 2N within the 5,000 training digits. The theory probe at
   * p = 1,000 with 100 draws per γ, and a LoRA probe trained longer.
   */
  full: {
    probe: "all", n: 5000, m: 5000, sampleN: 2500, theoryP: 1000, theoryTrials: 100,
    loraTrain: 2000, loraPretrainSteps: 3000, loraSteps: 3000,
  },
  quick: {
    // One step of label noise, 0 → 20%: at n = 150 the 10% → 20% step is within the spread between
    // seeds (it held on 16 of seeds 1000–1019); 0 → 20% held on 20 of seeds 2000–2019, where it was sized.
    probe: "all-linear", n: 150, m: 200, sampleN: 150, theoryP: 60, theoryTrials: 10, labelNoise: [0.2],
    ratios: [0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1, 1.05, 1.1, 1.25, 1.5, 2, 3, 5, 10],
    loraRanks: [1, 8, 64], loraTrain: 128, loraPretrainSteps: 100, loraSteps: 60,
  },
};
