/**
 * attention-rank: why linear attention falls behind softmax attention (its outputs and KV
 * buffers are low-rank) and whether RALA's rank augmentation fixes it (Fan et al., CVPR 2025),
 * plus Scatterbrain's sparse + low-rank view of softmax attention (Chen et al., NeurIPS 2021).
 */
import type { Experiment } from "../types.js";
import { claims } from "./claims.js";
import { figures } from "./figures.js";
import { constraints, params, presets, type AttentionRankParams } from "./params.js";
import { run, type AttentionRankTables } from "./run.js";

export const attentionRank: Experiment<AttentionRankParams, AttentionRankTables> = {
  name: "attention-rank",
  title: "Rank of softmax, linear and rank-augmented linear attention",
  description:
    "Numerical and effective ranks of the outputs and KV buffers of softmax, linear (φ = ELU + 1) and RALA " +
    "attention heads, in float64, on random and MNIST-patch tokens over sequence length N and head dim d; a tiny " +
    "ViT trained on MNIST with each attention kind under one budget (accuracy and trained-layer ranks); and a " +
    "Scatterbrain probe of sparse, low-rank and sparse + low-rank approximation error across softmax temperatures.",
  papers: [
    {
      title: "Breaking the Low-Rank Dilemma of Linear Attention",
      authors: "Qihang Fan, Huaibo Huang, Ran He",
      year: 2025,
      arxiv: "2411.07635",
      reproduces: "the rank analysis of linear attention's KV buffer and output features (§3, Fig. 2) and RALA's two rank augmentations (§4)",
    },
    {
      title: "Scatterbrain: Unifying Sparse and Low-rank Attention Approximation",
      authors: "Beidi Chen, Tri Dao, Eric Winsor, Zhao Song, Atri Rudra, Christopher Ré",
      year: 2021,
      arxiv: "2110.15343",
      reproduces: "the regimes of sparse vs low-rank vs sparse + low-rank approximation across softmax temperature (§3, Fig. 1 left)",
    },
  ],
  params,
  constraints,
  presets,
  run,
  figures,
  claims,
};
