/**
 * lora-spectra: LoRA and full fine-tuning reach similar accuracy through different weights;
 * low-rank LoRA adds "intruder dimensions" to the spectrum, and they track forgetting
 * (Shuttleworth, Andreas, Torralba & Sharma, "LoRA vs Full Fine-tuning: An Illusion of Equivalence").
 */
import type { Cost, Experiment } from "../types.js";
import { variantsFor } from "./finetune.js";
import { claims } from "./claims.js";
import { figures } from "./figures.js";
import { constraints, params, presets, type LoraSpectraParams } from "./params.js";
import { run, type LoraSpectraTables } from "./run.js";

/** Flops of a thin SVD of an m × n matrix in linalg/ (Float64; a rough count). */
const svdFlops = (m: number, n: number) => 20 * Math.max(m, n) * Math.min(m, n) ** 2;

/**
 * The run's work: pretraining and every variant's fine-tuning in tfjs (a step is a forward and
 * backward pass, 3× the forward's flops, and about 15 ops per layer with the optimizer's), the
 * evaluations, and the SVDs of every backbone matrix in Float64 on the CPU.
 */
export function cost(p: LoraSpectraParams): Cost {
  const inDim = p.side * p.side;
  const weights = inDim * p.hidden + (p.layers - 1) * p.hidden * p.hidden + p.hidden * 10;
  const variants = variantsFor(p).length;
  const steps = p.preSteps + variants * p.ftSteps;
  const evals = (2 + variants + p.lambdas.length) * 2 * (p.nTest + p.nTrain);
  const layerSvd = svdFlops(inDim, p.hidden) + (p.layers - 1) * svdFlops(p.hidden, p.hidden);
  return {
    tensorFlops: steps * 6 * p.batch * weights + 2 * evals * weights,
    tensorOps: steps * (15 * (p.layers + 1) + 20),
    cpuFlops: (2 + variants + p.lambdas.length) * layerSvd,
  };
}

export const loraSpectra: Experiment<LoraSpectraParams, LoraSpectraTables> = {
  name: "lora-spectra",
  title: "LoRA vs full fine-tuning: intruder dimensions in the weight spectra",
  description:
    "An MLP is pretrained on MNIST (tfjs) until its weight spectra stand clear of the random bulk, then fine-tuned " +
    "on shifted digits with full fine-tuning, LoRA at several ranks under α = 2r and a fixed α, and LoRA with A " +
    "frozen, at the learning rates of the authors' script per setting (times one common multiplier). Every layer's " +
    "singular vectors are compared with the pretrained ones in Float64: intruder counts across ε, similarity heat maps, " +
    "forgetting of the pretraining task against full fine-tuning's, forgetting against intruders over models of several " +
    "fine-tuning seeds (Spearman ρ with a bootstrap interval), and the paper's intervention that scales the intruders' singular values by λ.",
  papers: [
    {
      title: "LoRA vs Full Fine-tuning: An Illusion of Equivalence",
      authors: "Reece Shuttleworth, Jacob Andreas, Antonio Torralba, Pratyusha Sharma",
      year: 2024,
      arxiv: "2410.21228",
      reproduces: "intruder counts across ε by rank and α, similarity heat maps, forgetting vs intruders (Fig. 7), the λ intervention (Fig. 8), frozen A (Appendix A.5)",
    },
    {
      title: "LoRA: Low-Rank Adaptation of Large Language Models",
      authors: "Edward J. Hu, Yelong Shen, Phillip Wallis, Zeyuan Allen-Zhu, Yuanzhi Li, Shean Wang, Lu Wang, Weizhu Chen",
      year: 2021,
      arxiv: "2106.09685",
      reproduces: "the adapter W0 + (α/r) B A, B = 0 at init (the method compared, not a figure)",
    },
  ],
  params,
  constraints,
  presets,
  cost,
  run,
  figures,
  claims,
};
