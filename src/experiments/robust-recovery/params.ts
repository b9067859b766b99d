/**
 * Parameters in the paper's symbols (Ma & Fattahi, arXiv:2202.08788, eq. 1–2; the paper's d is
 * our n): a rank-r PSD X* (n×n) is seen through m Gaussian measurements, a fraction p of which are
 * replaced by outliers; SubGM runs T steps of size η_t = η₀ρᵗ on U ∈ R^{n×r′} from U_0 = αB.
 */
import type { Schema } from "../schema.js";
import type { Constraint } from "../types.js";

export interface RobustRecoveryParams {
  n: number;
  r: number;
  kappa: number;
  m: number;
  rPrime: number;
  ps: number[];
  pMain: number;
  pCovered: number;
  outlierScale: number;
  sigma: number;
  alpha: number;
  alphas: number[];
  eta0: number;
  rho: number;
  etaL2: number;
  T: number;
}

export const params: Schema<RobustRecoveryParams> = {
  n: { type: "int", default: 20, min: 2, max: 100, help: "X* is n×n (the paper's d)" },
  r: { type: "int", default: 3, min: 1, max: 50, help: "rank r of X* = U*U*ᵀ" },
  kappa: { type: "number", default: 1, min: 1, max: 100, help: "condition number κ of X* (eigenvalues spaced evenly from 1 down to 1/κ)" },
  m: { type: "int", default: 1000, min: 10, max: 50000, help: "number m of Gaussian measurements y_i = ⟨A_i, X*⟩ (A_i with i.i.d. N(0, 1) entries)" },
  rPrime: { type: "int", default: 10, min: 1, max: 100, help: "columns r′ of the over-parameterised factor U (r < r′ ≤ n); the exact runs use r′ = r" },
  ps: {
    type: "number[]", default: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6], min: 0, max: 0.95,
    help: "outlier fractions p of the sweep (ℓ1 SubGM and ℓ2 GD at each; the error-vs-p figure)",
  },
  pMain: { type: "number", default: 0.2, min: 0, max: 0.95, help: "outlier fraction of the α sweep and of the exact vs over-parameterised comparison" },
  pCovered: {
    type: "number", default: 0.3, min: 0, max: 0.95,
    help: "largest p at which the recovery claim is checked (p of the sweep above it are drawn, not judged)",
  },
  outlierScale: {
    type: "number", default: 10, min: 0, max: 1e6,
    help: "an outlier replaces y_i by o_i ~ N(0, (outlierScale·‖X*‖_F)²): outlierScale× the spread of a clean measurement",
  },
  sigma: { type: "number", default: 0, min: 0, max: 10, help: "dense Gaussian noise σ·‖X*‖_F·ε_i added to every measurement (0: outliers only)" },
  alpha: { type: "number", default: 1e-3, min: 1e-12, max: 1, help: "initialisation scale α of the p sweep and the exact/over-parameterised runs (U_0 = αB, B = G/√n, G i.i.d. N(0, 1))" },
  alphas: { type: "number[]", default: [1e-2, 1e-3, 1e-4], min: 1e-12, max: 1, help: "initialisation scales α of the α sweep (ℓ1 SubGM, r′ columns, p = pMain)" },
  eta0: { type: "number", default: 0.1, min: 1e-6, max: 1, help: "SubGM initial step η₀: U moves by η₀ρᵗ of itself, η_t = η₀ρᵗ/‖Q_t‖₂" },
  rho: { type: "number", default: 0.995, min: 0.5, max: 1, help: "SubGM step decay ρ (η_t = η₀ρᵗ; the predicted linear rate is −ln ρ per iteration)" },
  etaL2: { type: "number", default: 0.1, min: 1e-6, max: 1, help: "constant step η of the ℓ2 GD baseline, U ← U − η(S + Sᵀ)U" },
  T: { type: "int", default: 2000, min: 10, max: 100000, help: "iterations T of every run" },
};

/**
 * `paper`: the figures of the README, at what a minute or two on 2 cores allows (n = 40, fully
 * over-parameterised r′ = n); the paper's own sizes could not be read (README). `quick`: a few
 * seconds, for tests; its claims held on seeds 0–2, 7, 4242, 90001 and 100–119. The defaults are
 * a mid-sized reference point.
 */
export const presets: Record<string, Partial<RobustRecoveryParams>> = {
  paper: {
    n: 40, r: 3, kappa: 1, m: 3000, rPrime: 40, ps: [0, 0.2, 0.3, 0.4, 0.5, 0.6], pMain: 0.2, pCovered: 0.4,
    alpha: 1e-5, alphas: [1e-2, 1e-3, 1e-4, 1e-5], eta0: 0.1, rho: 0.995, etaL2: 0.1, T: 2500,
  },
  quick: {
    n: 15, r: 2, kappa: 1, m: 800, rPrime: 8, ps: [0, 0.1, 0.2, 0.3, 0.5, 0.7], pMain: 0.2, pCovered: 0.3,
    alpha: 1e-4, alphas: [1e-2, 1e-3, 1e-4], eta0: 0.2, rho: 0.99, etaL2: 0.1, T: 1500,
  },
  reference: {},
};

/** Doubles of A (m·n²) beyond which the run would not fit beside everything else: 2^26 (512 MiB). */
export const MAX_A_DOUBLES = 2 ** 26;

export const constraints: readonly Constraint<RobustRecoveryParams>[] = [
  (p) => (p.r <= p.n ? undefined : `r=${p.r} exceeds n=${p.n}; allowed: r <= n`),
  (p) => (p.rPrime > p.r && p.rPrime <= p.n ? undefined : `rPrime=${p.rPrime} with r=${p.r}, n=${p.n}; allowed: r < rPrime <= n (over-parameterised; the exact runs use r′ = r)`),
  (p) => (p.pMain <= p.pCovered ? undefined : `pMain=${p.pMain} exceeds pCovered=${p.pCovered}; allowed: pMain <= pCovered (the α and over-parameterisation claims are judged at pMain)`),
  (p) => (p.ps.some((x) => x <= p.pCovered) ? undefined : `ps=${p.ps.join(",")} has no p <= pCovered=${p.pCovered}; allowed: at least one p <= pCovered`),
  (p) => (new Set(p.alphas).size >= 2 ? undefined : `alphas=${p.alphas.join(",")} has fewer than 2 distinct values; allowed: at least 2 (the α claim compares them)`),
  (p) => (p.m * p.n * p.n <= MAX_A_DOUBLES ? undefined : `m=${p.m} and n=${p.n} make A ${p.m}×${p.n * p.n} = ${((8 * p.m * p.n * p.n) / 2 ** 30).toFixed(1)} GiB; allowed: m·n² <= ${MAX_A_DOUBLES} (512 MiB)`),
];
