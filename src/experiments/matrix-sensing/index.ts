/**
 * matrix-sensing: how over-parameterisation slows gradient descent, and how asymmetry and a
 * one-step modification restore linear convergence (Xiong, Ding & Du, ICLR 2024).
 */
import type { Experiment } from "../types.js";
import { claims } from "./claims.js";
import { figures } from "./figures.js";
import { constraints, params, presets, type MatrixSensingParams } from "./params.js";
import { run, type MatrixSensingTables } from "./run.js";

export const matrixSensing: Experiment<MatrixSensingParams, MatrixSensingTables> = {
  name: "matrix-sensing",
  title: "Over-parameterisation slows gradient descent in matrix sensing",
  description:
    "Gradient descent on y = A(M*) with Gaussian measurements, in float64: symmetric XXᵀ with k = r and k > r, " +
    "asymmetric FGᵀ (k = r, and k > r at several initialisation scales α), and the paper's one-step modification " +
    "of GD. Reproduces the relative-error curves and checks linear vs polynomial convergence, the α-dependence " +
    "of the asymmetric rate and its removal by the one-step method.",
  papers: [
    {
      title: "How Over-Parameterization Slows Down Gradient Descent in Matrix Sensing: The Curses of Symmetry and Initialization",
      authors: "Nuoya Xiong, Lijun Ding, Simon S. Du",
      year: 2024,
      arxiv: "2310.01769",
      reproduces: "the relative-error curves of the experiments (symmetric k = r vs k > r; asymmetric at several α; the §5 one-step method)",
    },
  ],
  params,
  constraints,
  presets,
  run,
  figures,
  claims,
};
