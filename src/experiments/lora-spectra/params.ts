/**
 * Parameters in the paper's symbols (Shuttleworth et al., arXiv:2410.21228): LoRA rank r and
 * scale α (ΔW = (α/r) B A), learning rate η, intruder threshold ε over the top k singular
 * vectors, and the intervention's λ. Model and data sizes are ours: an MLP on 14×14 MNIST
 * stands in for RoBERTa-base on MNLI (see README for every deviation).
 */
import type { Schema } from "../schema.js";
import type { Constraint } from "../types.js";
import type { Shift } from "./data.js";

export interface LoraSpectraParams {
  side: number;
  hidden: number;
  layers: number;
  nTrain: number;
  nTest: number;
  shift: Shift;
  initScale: number;
  preSteps: number;
  preLr: number;
  weightDecay: number;
  batch: number;
  ftSteps: number;
  lrScale: number;
  lrFull: number;
  lrLoraR1: number;
  lrLoraR8: number;
  headLr: number;
  ranks: number[];
  alphaFixed: number;
  frozenRanks: number[];
  replicates: number;
  replicateRanks: number[];
  k: number;
  epsilon: number;
  lambdas: number[];
}

export const params: Schema<LoraSpectraParams> = {
  side: { type: "int", default: 14, min: 7, max: 28, help: "digits are average-pooled to side×side pixels (7, 14 or 28)" },
  hidden: { type: "int", default: 128, min: 16, max: 512, help: "width h of each backbone layer" },
  layers: { type: "int", default: 3, min: 1, max: 6, help: "backbone layers L; every one is fine-tuned, adapted and analysed" },
  nTrain: { type: "int", default: 8000, min: 200, max: 8000, help: "training digits (the same digits, shifted, for fine-tuning)" },
  nTest: { type: "int", default: 2000, min: 100, max: 2000, help: "held-out digits scoring both tasks" },
  shift: { type: "choice", default: "rotate90", choices: ["rotate90", "mirror", "invert"], help: "the fine-tuning task: the digits rotated a quarter turn, mirrored, or inverted" },
  initScale: {
    type: "number", default: 0.2, min: 0.01, max: 2,
    help: "backbone init std as a multiple of He's √(2/in); small leaves the learned spectrum standing above the random bulk",
  },
  preSteps: { type: "int", default: 1500, min: 10, max: 100000, help: "pretraining steps (AdamW)" },
  preLr: { type: "number", default: 2e-3, min: 1e-6, max: 1, help: "pretraining peak learning rate" },
  weightDecay: { type: "number", default: 0.5, min: 0, max: 10, help: "pretraining decoupled weight decay on the backbone kernels (shrinks the random bulk)" },
  batch: { type: "int", default: 128, min: 8, max: 1024, help: "minibatch size, pretraining and fine-tuning" },
  ftSteps: { type: "int", default: 300, min: 10, max: 100000, help: "fine-tuning steps, every variant" },
  lrScale: {
    type: "number", default: 20, min: 1e-3, max: 1e4,
    help: "common multiplier m of every backbone learning rate (full FT and LoRA alike, so the paper's ratios stay); the presets hold m·ftSteps = 6,000",
  },
  lrFull: { type: "number", default: 1e-5, min: 1e-9, max: 1, help: "full fine-tuning peak η before the multiplier (the authors' RoBERTa-base script: 1e-5)" },
  lrLoraR1: { type: "number", default: 3e-4, min: 1e-9, max: 1, help: "LoRA peak η at r = 1 before the multiplier (the authors' script: r = 1, α = 2 at 3e-4)" },
  lrLoraR8: {
    type: "number", default: 1.5e-4, min: 1e-9, max: 1,
    help: "LoRA peak η at r = 8 before the multiplier (the authors' script: r = 8, α = 16 at 1.5e-4); other ranks geometric in log r through the two, both α alike",
  },
  headLr: { type: "number", default: 1e-3, min: 1e-7, max: 1, help: "learning rate of the new task's head, the same for every variant" },
  ranks: { type: "number[]", default: [1, 2, 4, 8, 16, 64], min: 1, max: 512, help: "LoRA ranks r, each run with α = 2r and with the fixed α" },
  alphaFixed: { type: "number", default: 8, min: 0.01, max: 10000, help: "the fixed α compared with α = 2r (the paper's 8)" },
  frozenRanks: { type: "number[]", default: [1, 8], min: 1, max: 512, help: "ranks of the frozen-A LoRA runs (α = 2r; Appendix A.5)" },
  replicates: {
    type: "int", default: 4, min: 0, max: 20,
    help: "further fine-tuning seeds (new A, head and minibatches; same pretrained network), each re-running full FT and α = 2r LoRA at replicateRanks, for the intruders-forgetting correlation",
  },
  replicateRanks: { type: "number[]", default: [1, 8, 64], min: 1, max: 512, help: "the α = 2r LoRA ranks re-run at each replicate seed (from ranks)" },
  k: { type: "int", default: 10, min: 1, max: 512, help: "top fine-tuned singular vectors examined for intruders (the paper's k)" },
  epsilon: { type: "number", default: 0.5, min: 0.01, max: 0.99, help: "intruder threshold ε on the largest |cos| with a pretrained singular vector" },
  lambdas: {
    type: "number[]", default: [0, 0.25, 0.5, 0.7, 0.8, 0.9, 1, 1.25, 1.5], min: 0, max: 10,
    help: "intervention: each intruder's singular value is multiplied by λ (λ = 1 is the fine-tuned model)",
  },
};

/** The smallest side of every backbone matrix: the first is side² × hidden, the rest hidden × hidden. */
const minDim = (p: LoraSpectraParams) => Math.min(p.hidden, p.side * p.side);

/** The checks across fields: each returns the problem, naming the fields and what is allowed. */
export const constraints: Constraint<LoraSpectraParams>[] = [
  (p) => ([7, 14, 28].includes(p.side) ? undefined : `side=${p.side} is not allowed; allowed: 7, 14 or 28 (28×28 digits pooled evenly)`),
  (p) => {
    const bad = [...p.ranks, ...p.frozenRanks].find((r) => !Number.isInteger(r) || r > minDim(p));
    return bad === undefined ? undefined
      : `rank r=${bad} (ranks, frozenRanks) is not allowed; allowed: integers from 1 to min(hidden, side²) = ${minDim(p)}`;
  },
  (p) => (p.replicateRanks.every((r) => p.ranks.includes(r)) ? undefined
    : `replicateRanks=${p.replicateRanks.join(",")} is not allowed; allowed: ranks from ranks=${p.ranks.join(",")}`),
  (p) => (p.frozenRanks.every((r) => p.ranks.includes(r)) ? undefined
    : `frozenRanks=${p.frozenRanks.join(",")} is not allowed; allowed: ranks from ranks=${p.ranks.join(",")} (each frozen-A run is compared with the trained one)`),
  (p) => (new Set(p.ranks).size === p.ranks.length ? undefined : `ranks=${p.ranks.join(",")} repeats a value; allowed: distinct ranks`),
  (p) => (p.k < minDim(p) ? undefined
    : `k=${p.k} is not allowed with hidden=${p.hidden}, side=${p.side}; allowed: 1 to ${minDim(p) - 1} (k + 1 singular values are needed for the gaps)`),
];

/**
 * `paper`: the paper's ranks, α choices and schedule on a 3-layer, width-128 MLP; a few minutes on
 * two cores. `quick`: seconds, for tests: a 2-layer, width-64 MLP, three ranks, short training.
 */
export const presets: Record<string, Partial<LoraSpectraParams>> = {
  paper: {},
  /**
   * `full`: sized for one GPU: full-resolution 28×28 digits, a 4-layer width-512 MLP (the schema's
   * widest), 20,000 pretraining and 5,000 fine-tuning steps of 256 digits. The ranks {1, 2, 4, 8,
   * 16, 64}, α = 2r against the fixed α = 8, and k = 10 stay the paper's (Shuttleworth et al.,
   * arXiv:2410.21228); the model and step counts are ours (the paper fine-tunes RoBERTa-base).
   */
  full: {
    side: 28, hidden: 512, layers: 4, preSteps: 20_000, ftSteps: 5000, batch: 256, lrScale: 1.2,
  },
  // Pretraining and head learning rates doubled for the shorter schedules; lrScale = 6,000 / ftSteps as in every preset.
  quick: {
    hidden: 64, layers: 2, nTrain: 3000, nTest: 1000, preSteps: 500, batch: 64, ftSteps: 250,
    preLr: 4e-3, lrScale: 24, headLr: 2e-3,
    ranks: [1, 4, 32], frozenRanks: [1], replicates: 1, replicateRanks: [1], lambdas: [0, 0.5, 0.7, 0.8, 0.9, 1, 1.5],
  },
};
