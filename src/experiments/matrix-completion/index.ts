/**
 * matrix-completion: alternating minimisation with exact and approximate (inexact, nearly
 * linear time) least-squares updates completes an incoherent low-rank matrix from
 * |Ω| = c·n·k·ln n uniform samples (Gu, Song, Yin & Zhang, arXiv:2302.11068).
 */
import type { Experiment } from "../types.js";
import { claims } from "./claims.js";
import { figures } from "./figures.js";
import { constraints, params, presets, type MatrixCompletionParams } from "./params.js";
import { run } from "./run.js";
import type { MatrixCompletionTables } from "./tables.js";

export const matrixCompletion: Experiment<MatrixCompletionParams, MatrixCompletionTables> = {
  name: "matrix-completion",
  title: "Low-rank matrix completion by robust alternating minimisation in nearly linear time",
  description:
    "Completes an incoherent rank-k M (m × n) from |Ω| = c·n·k·ln n uniformly sampled entries by alternating minimisation " +
    "from a spectral start, with exact least-squares row updates (normal equations, O(|Ω|k²) a step) and with the paper's " +
    "approximate updates (a few warm-started CGLS iterations, O(|Ω|k) a step); in float64. Checks that the approximate " +
    "updates still converge linearly, recovery at the stated sample complexity, and the time per step against |Ω| and k, measured in the run.",
  papers: [
    {
      title: "Low Rank Matrix Completion via Robust Alternating Minimization in Nearly Linear Time",
      authors: "Yuzhou Gu, Zhao Song, Junze Yin, Lichen Zhang",
      year: 2023,
      arxiv: "2302.11068",
      reproduces: "the abstract's claims (linear convergence with approximate updates, sample complexity, Õ(|Ω|k) time per step); the paper has no experiments and its theorem numbers could not be read here (see README)",
    },
  ],
  params,
  constraints,
  presets,
  run,
  figures,
  claims,
};
