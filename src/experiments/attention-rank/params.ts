/**
 * Parameters of the attention-rank experiment, with the paper's symbols: N tokens, head dim d
 * (of queries and keys), value width dv, token width D. Three parts: the rank sweep on random
 * heads, the trained tiny-ViT comparison, and the Scatterbrain probe.
 */
import type { Schema } from "../schema.js";
import type { Constraint } from "../types.js";

export interface AttentionRankParams {
  // Rank sweep (random heads, Float64)
  /** Which token matrices to analyse. */
  inputs: string;
  /** Token width D. */
  width: number;
  /** Sequence lengths N of the N sweep (at d = dRef). */
  N: number[];
  /** Head dims d of the d sweep (at N = NRef). */
  d: number[];
  NRef: number;
  dRef: number;
  /** Value width dv; linear attention's rank bound d only bites when dv > d. */
  dv: number;
  /** Relative rank tolerance; 0 uses NumPy's matrix_rank default max(m, n)·ε. */
  rtol: number;
  /** Random heads (and token draws) per sweep point. */
  trials: number;
  /** Which kinds apply 2-D RoPE to queries and keys: RALA only (its code), every kind, or none. */
  rope: string;
  // Trained comparison (tfjs)
  train: boolean;
  steps: number;
  batch: number;
  lr: number;
  vitWidth: number;
  heads: number;
  depth: number;
  trainSize: number;
  testSize: number;
  /** Test images whose trained-layer ranks are measured. */
  rankImages: number;
  // Scatterbrain probe (Float64)
  sbN: number;
  sbD: number;
  /** Per-query budget b: k = b sparse entries, b random features, or b/2 of each. */
  budget: number;
  temperatures: number[];
  oracle: boolean;
  /** Most alternating-projection iterations of the oracle sparse + low-rank decomposition. */
  sbIterations: number;
  /** Per-query budget of the probe on the trained softmax ViT's attention (N = 49 tokens). */
  sbTrainedBudget: number;
}

export const params: Schema<AttentionRankParams> = {
  inputs: { type: "choice", choices: ["both", "random", "mnist"], default: "both", help: "token matrices: i.i.d. Gaussian, MNIST 4×4 patches embedded, or both" },
  width: { type: "int", default: 64, min: 2, max: 512, help: "token width D" },
  N: { type: "number[]", default: [16, 64, 256, 1024], min: 2, max: 4096, help: "sequence lengths N of the N sweep (integers)" },
  d: { type: "number[]", default: [4, 8, 16, 32, 64], min: 1, max: 512, help: "head dims d of queries and keys in the d sweep (integers)" },
  NRef: { type: "int", default: 256, min: 2, max: 4096, help: "N of the d sweep and of the spectra" },
  dRef: { type: "int", default: 16, min: 1, max: 512, help: "d of the N sweep and of the spectra" },
  dv: { type: "int", default: 64, min: 1, max: 512, help: "value width dv of every head" },
  rtol: { type: "number", default: 0, min: 0, max: 0.5, help: "numerical rank counts σᵢ > rtol·σ₁; 0 means NumPy's default max(m,n)·ε" },
  trials: { type: "int", default: 3, min: 1, max: 100, help: "random heads per sweep point" },
  rope: { type: "choice", choices: ["rala", "all", "none"], default: "rala", help: "2-D RoPE on queries and keys: RALA only (as in its code), all kinds, or none" },
  train: { type: "boolean", default: true, help: "train the tiny ViT with each attention kind" },
  steps: { type: "int", default: 150, min: 1, max: 100000, help: "Adam steps per model (the shared budget)" },
  batch: { type: "int", default: 32, min: 1, max: 4096, help: "images per step" },
  lr: { type: "number", default: 3e-3, min: 1e-6, max: 1, help: "Adam learning rate" },
  vitWidth: { type: "int", default: 32, min: 2, max: 512, help: "ViT token width (heads · head dim)" },
  heads: { type: "int", default: 2, min: 1, max: 64, help: "attention heads per block" },
  depth: { type: "int", default: 1, min: 1, max: 12, help: "transformer blocks" },
  trainSize: { type: "int", default: 8000, min: 10, max: 8000, help: "training digits (of the 8,000 in the fixed split)" },
  testSize: { type: "int", default: 2000, min: 10, max: 2000, help: "test digits (of the 2,000 in the fixed split)" },
  rankImages: { type: "int", default: 8, min: 1, max: 2000, help: "test images whose trained-layer ranks are measured" },
  sbN: { type: "int", default: 256, min: 8, max: 4096, help: "Scatterbrain probe: sequence length N" },
  sbD: { type: "int", default: 16, min: 1, max: 512, help: "Scatterbrain probe: head dim d" },
  budget: { type: "int", default: 16, min: 2, max: 4096, help: "Scatterbrain probe: per-query budget b" },
  temperatures: {
    type: "number[]",
    default: [0.01, 0.0178, 0.0316, 0.0562, 0.1, 0.178, 0.316, 0.562, 1, 1.78, 3.16, 5.62, 10],
    min: 1e-4,
    max: 1e4,
    help: "softmax temperatures τ: A = softmax(QKᵀ / (τ√d))",
  },
  oracle: { type: "boolean", default: true, help: "also compute the oracle (SVD / top-k / alternating projections) errors" },
  sbIterations: { type: "int", default: 1000, min: 1, max: 10000, help: "Scatterbrain probe: most alternating-projection iterations of the oracle sparse + low-rank" },
  sbTrainedBudget: { type: "int", default: 8, min: 2, max: 98, help: "Scatterbrain probe on the trained softmax ViT's attention (49 tokens): per-query budget b" },
};

/** A `number[]` field that must hold integers (the schema checks only the range). */
const integers = (field: "N" | "d"): Constraint<AttentionRankParams> => (p) => {
  const bad = p[field].find((x) => !Number.isInteger(x));
  return bad === undefined ? undefined : `${field}=${p[field].join(",")} has a non-integer ${bad}; allowed: integers`;
};

/** RoPE turns channel pairs on two grid axes, so every head dim it touches must be a multiple of 4. */
const ropeDims: Constraint<AttentionRankParams> = (p) => {
  if (p.rope === "none") return undefined;
  const bad = [...p.d, p.dRef].find((d) => d % 4 !== 0);
  if (bad !== undefined) return `rope=${p.rope} needs head dims that are multiples of 4, but d/dRef has ${bad}; allowed: multiples of 4, or rope=none`;
  const vitD = p.vitWidth / p.heads;
  if (p.train && Number.isInteger(vitD) && vitD % 4 !== 0) return `rope=${p.rope} needs a ViT head dim vitWidth/heads that is a multiple of 4, got ${vitD}; allowed: multiples of 4, or rope=none`;
  return undefined;
};

/** What the schema's per-field ranges cannot say; checked before anything runs. */
export const constraints: Constraint<AttentionRankParams>[] = [
  integers("N"),
  integers("d"),
  ropeDims,
  (p) => (p.vitWidth % p.heads === 0 ? undefined
    : `vitWidth=${p.vitWidth} is not a multiple of heads=${p.heads}; allowed: vitWidth = heads · head dim`),
];

export const presets: Record<string, Partial<AttentionRankParams>> = {
  /** The paper's analysis at laptop scale (about 90 s of CPU on 2 cores): the defaults. */
  paper: {},
  /**
   * Sized for one GPU: a larger trained ViT (width 128, 4 heads of 32, 4 blocks) for 5,000 steps of
   * 128 images, so each attention kind is trained well past the paper preset's 300 steps, and the
   * rank sweep out to N = 4,096 tokens with 5 heads per point. These sizes are ours: Fan et al.
   * (arXiv:2411.07635) train ImageNet-scale RALA models, out of reach on 10,000 MNIST digits. The
   * Float64 parts (rank sweep, Scatterbrain at N = 1,024) run on the CPU whatever the backend.
   */
  full: {
    N: [16, 64, 256, 1024, 4096],
    d: [4, 8, 16, 32, 64, 128],
    NRef: 1024,
    trials: 5,
    steps: 5000,
    batch: 128,
    lr: 1e-3,
    vitWidth: 128,
    heads: 4,
    depth: 4,
    rankImages: 32,
    sbN: 512,
    budget: 32,
    sbIterations: 1000,
  },
  /**
   * Seconds, for tests: every part runs, each at toy scale, too small to judge the paper's claims
   * (claims.ts JUDGED_FROM); its run reports the sanity checks.
   */
  quick: {
    N: [16, 64, 128],
    d: [4, 16, 64],
    NRef: 64,
    dRef: 16,
    trials: 1,
    steps: 30,
    batch: 32,
    vitWidth: 16,
    heads: 1,
    depth: 1,
    trainSize: 2000,
    testSize: 400,
    rankImages: 2,
    sbN: 64,
    budget: 16,
    temperatures: [0.01, 0.1, 0.316, 0.562, 1, 1.78, 3.16, 10],
    sbIterations: 3000,
  },
};
