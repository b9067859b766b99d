/**
 * attention-rank: why linear attention falls behind softmax attention (its outputs and KV
 * buffers are low-rank) and whether RALA's rank augmentation fixes it (Fan et al., CVPR 2025),
 * plus Scatterbrain's sparse + low-rank view of softmax attention (Chen et al., NeurIPS 2021).
 */
import type { Cost, Experiment } from "../types.js";
import { claims } from "./claims.js";
import { figures } from "./figures.js";
import { constraints, params, presets, type AttentionRankParams } from "./params.js";
import { run, type AttentionRankTables } from "./run.js";

/** Flops of a thin SVD of an m × n matrix in linalg/ (Float64; a rough count). */
const svdFlops = (m: number, n: number) => 20 * Math.max(m, n) * Math.min(m, n) ** 2;

/**
 * The run's work: the rank sweep, trained-head ranks and Scatterbrain probe in Float64 on the CPU
 * (attention products and SVDs), and the ViT's tfjs training (49 tokens of 4×4 patches; a step is
 * a forward and backward pass, 3× the forward's flops, and about 70 ops per block).
 */
export function cost(p: AttentionRankParams): Cost {
  const inputs = p.inputs === "both" ? 2 : 1;
  const points: Array<[number, number]> = p.N.map((N) => [N, p.dRef]);
  for (const d of p.d) if (!points.some(([n, dd]) => n === p.NRef && dd === d)) points.push([p.NRef, d]);
  let cpuFlops = 0;
  for (const [N, d] of points) {
    const heads = 2 * N * p.width * (2 * d + p.dv) * 3 + 2 * N * N * (d + p.dv) + 2 * 6 * N * d * p.dv;
    const svds = svdFlops(N, p.width) + 3 * svdFlops(N, p.dv) + 2 * svdFlops(d, p.dv);
    cpuFlops += inputs * p.trials * (heads + svds);
  }
  let tensorFlops = 0, tensorOps = 0;
  if (p.train) {
    const T = 49, W = p.vitWidth;
    const madds = T * 16 * W + p.depth * (T * 8 * W * W + 2 * T * T * W) + W * 10;
    tensorFlops = 3 * (p.steps * 6 * p.batch * madds + 2 * p.testSize * madds);
    tensorOps = 3 * p.steps * (70 * p.depth + 40);
    cpuFlops += 3 * p.rankImages * p.depth * p.heads * 2 * svdFlops(T, W / p.heads);
  }
  // Per temperature: the exact map and the feature estimates, then (oracle) two truncated SVDs and the
  // alternating projections, ~100 iterations from each of two starts at about 6·N²·(b/2 + 10) flops each.
  const probe = (N: number, b: number) => 10 * N * N * p.sbD + (p.oracle ? 2 * svdFlops(N, b + 10) + 2 * 100 * 6 * N * N * (b / 2 + 10) : 0);
  cpuFlops += p.temperatures.length * (inputs * probe(p.sbN, p.budget) + (p.train ? probe(49, p.sbTrainedBudget) : 0));
  return { tensorFlops, tensorOps, cpuFlops };
}

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
  cost,
  run,
  figures,
  claims,
};
