/**
 * intrinsic-dimension: how many random directions a network needs to train in before it solves
 * MNIST (Li, Farkhoor, Liu & Yosinski, ICLR 2018).
 */
import type { Experiment } from "../types.js";
import { claims } from "./claims.js";
import { figures } from "./figures.js";
import { constraints, params, presets, type IntrinsicDimensionParams } from "./params.js";
import { run } from "./run.js";
import type { IntrinsicDimensionTables } from "./tables.js";

export const intrinsicDimension: Experiment<IntrinsicDimensionParams, IntrinsicDimensionTables> = {
  name: "intrinsic-dimension",
  title: "The intrinsic dimension of objective landscapes",
  description:
    "Trains the FC 784-200-200-10 net and LeNet on MNIST only inside a random d-dimensional subspace, " +
    "θ = θ₀ + P·θ_d (dense, sparse or Fastfood P), sweeps d over several seeds next to direct training, and " +
    "measures d_int90 under both definitions (90% accuracy, and 90% of the direct accuracy) with a bootstrap " +
    "interval; then repeats the sweep for several FC widths and compares the three projections.",
  papers: [
    {
      title: "Measuring the Intrinsic Dimension of Objective Landscapes",
      authors: "Chunyuan Li, Heerad Farkhoor, Rosanne Liu, Jason Yosinski",
      year: 2018,
      arxiv: "1804.08838",
      reproduces: "Figure 2 (MNIST: validation accuracy against d, d_int90 of FC 750 and LeNet 290), the §3.1 width result, the §S6 projections",
    },
  ],
  params,
  constraints,
  presets,
  run,
  figures,
  claims,
};
