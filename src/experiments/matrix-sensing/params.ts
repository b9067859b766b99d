/**
 * Parameters in the paper's symbols (Xiong, Ding & Du, arXiv:2310.01769 §2): M* is n×n of rank r,
 * seen through m Gaussian measurements; factors have k columns; GD runs T steps of size η from
 * an initialisation of scale α.
 */
import type { Schema } from "../schema.js";
import type { Constraint } from "../types.js";

export interface MatrixSensingParams {
  n: number;
  r: number;
  kappa: number;
  m: number;
  k: number;
  eta: number;
  T: number;
  alphaSym: number;
  alphas: number[];
  tau: number;
}

export const params: Schema<MatrixSensingParams> = {
  n: { type: "int", default: 20, min: 2, max: 200, help: "M* is n×n" },
  r: { type: "int", default: 2, min: 1, max: 50, help: "rank r of the ground truth M* (r < k ≤ n)" },
  kappa: { type: "number", default: 1.5, min: 1, max: 100, help: "condition number κ = σ₁/σ_r of M* (σ spaced evenly from 1 to 1/κ)" },
  m: { type: "int", default: 600, min: 1, max: 20000, help: "number m of Gaussian measurements y_i = ⟨A_i, M*⟩" },
  k: { type: "int", default: 4, min: 2, max: 100, help: "columns k of the over-parameterised factors X, F, G (k > r)" },
  eta: { type: "number", default: 0.05, min: 1e-6, max: 1, help: "GD step size η" },
  T: { type: "int", default: 6000, min: 10, max: 200000, help: "GD iterations T" },
  alphaSym: { type: "number", default: 0.05, min: 1e-8, max: 10, help: "init scale α of the symmetric XXᵀ runs (entries of X₀ ~ N(0, α²))" },
  alphas: {
    type: "number[]", default: [0.03, 0.06, 0.12], min: 1e-8, max: 10,
    help: "init scales α of the asymmetric and one-step runs (F₀ entries ~ N(0, α²), G₀ ~ N(0, (α/3)²))",
  },
  tau: {
    type: "number", default: 1e-2, min: 1e-14, max: 1,
    help: "one-step method: re-factor once, at the first t with ‖A(F_tG_tᵀ) − y‖/‖y‖ ≤ τ",
  },
};

/** The cross-field checks, applied when a plan is resolved (before anything runs or is written). */
export const constraints: Constraint<MatrixSensingParams>[] = [
  (p) => (p.r < p.k ? undefined : `k=${p.k} must exceed r=${p.r}; allowed: r < k (the over-parameterised runs need k > r)`),
  (p) => (p.k <= p.n ? undefined : `k=${p.k} must not exceed n=${p.n}; allowed: k ≤ n (the factors are n×k)`),
  (p) => (new Set(p.alphas).size === p.alphas.length ? undefined : `alphas=${p.alphas.join(",")} repeats a value; allowed: distinct values`),
  // The measurements are held in memory as m·n² doubles (and the kernels address them with 32-bit offsets).
  (p) => (p.m * p.n * p.n <= 2 ** 27 ? undefined
    : `m·n² = ${p.m * p.n * p.n} measurement entries exceed ${2 ** 27} (1 GiB); allowed: m·n² ≤ ${2 ** 27}, lower m or n`),
];

/**
 * `paper`: 50×50 of rank 3, the size of the paper's experiments (as its ICLR reviews record). m, k, η, T, κ and the α grid are ours (the text was not available to us; see
 * README): chosen so every α lies where the paper's small-α theory applies and each curve has
 * left its transient well before T. `quick`: a couple of seconds, for tests; its claims are
 * checked over several seeds. The defaults are a mid-sized reference point (n=20, m=600).
 */
export const presets: Record<string, Partial<MatrixSensingParams>> = {
  paper: { n: 50, r: 3, kappa: 1.5, m: 1000, k: 5, eta: 0.15, T: 2500, alphaSym: 0.05, alphas: [0.02, 0.04, 0.08], tau: 1e-2 },
  quick: { n: 16, r: 2, kappa: 1.5, m: 200, k: 3, eta: 0.15, T: 6000, alphaSym: 0.05, alphas: [0.03, 0.06, 0.12], tau: 1e-2 },
  reference: {},
};
