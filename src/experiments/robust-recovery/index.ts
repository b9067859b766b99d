/**
 * robust-recovery: the sub-gradient method on the ℓ1 loss recovers a low-rank matrix from
 * outlier-corrupted measurements, with small initialisation and over-parameterisation
 * (Ma & Fattahi, JMLR 24(96), 2023; arXiv:2202.08788).
 */
import type { Experiment } from "../types.js";
import { claims } from "./claims.js";
import { figures } from "./figures.js";
import { constraints, params, presets, type RobustRecoveryParams } from "./params.js";
import { run } from "./run.js";
import type { RobustRecoveryTables } from "./tables.js";

export const robustRecovery: Experiment<RobustRecoveryParams, RobustRecoveryTables> = {
  name: "robust-recovery",
  title: "Sub-gradient method for robust matrix recovery: small initialisation, outliers, over-parameterisation",
  description:
    "Recovers a rank-r PSD X* = U*U*ᵀ from Gaussian measurements of which a fraction p are replaced by outliers, " +
    "by the sub-gradient method on the ℓ1 loss (1/m)Σ|⟨A_i, UUᵀ⟩ − y_i| from a small initialisation U_0 = αB with " +
    "geometrically decaying steps, with exact (r′ = r) and over-parameterised (r′ > r) factors, against gradient descent " +
    "on the ℓ2 loss; in float64. Checks recovery under outliers where ℓ2 fails, that over-parameterisation does not " +
    "prevent or slow it, that the final error shrinks with α, and the linear rate set by the step decay.",
  papers: [
    {
      title: "Global Convergence of Sub-gradient Method for Robust Matrix Recovery: Small Initialization, Noisy Measurements, and Over-parameterization",
      authors: "Jianhao Ma, Salar Fattahi",
      year: 2023,
      arxiv: "2202.08788",
      reproduces: "the abstract's claims (recovery under outliers where ℓ2 fails, small initialisation against over-parameterisation, linear convergence); JMLR 24(96), 2023. The body (theorems, constants, figures) could not be read, so no theorem or figure number is cited (see README)",
    },
  ],
  params,
  constraints,
  presets,
  run,
  figures,
  claims,
};
