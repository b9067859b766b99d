/**
 * intrinsic-dimension: how many random directions a network needs to train in before it solves
 * MNIST (Li, Farkhoor, Liu & Yosinski, ICLR 2018).
 */
import type { Cost, Experiment } from "../types.js";
import { claims } from "./claims.js";
import { figures } from "./figures.js";
import { asksFor, netsFor, type NetInfo } from "./nets.js";
import { constraints, params, presets, type IntrinsicDimensionParams } from "./params.js";
import { run } from "./run.js";
import type { IntrinsicDimensionTables } from "./tables.js";

/**
 * Typed-array loops (the Walsh–Hadamard butterflies, Adam on θ_d, θ = θ₀ + P·θ_d) run at about a
 * sixth of the Float64 product the estimate times (1.7 GFLOP/s for the Fastfood transforms against
 * ≈10 for the product on one core here), so each of their flops counts six.
 */
const LOOP = 6;

/** Multiply-adds of one forward pass of one example. */
function maddsPerExample(net: NetInfo, p: IntrinsicDimensionParams): number {
  if (net.kind === "fc") return net.D;
  const [c1, c2] = [6, 16].map((n) => Math.max(1, Math.round(n * p.lenetWidth)));
  return 24 * 24 * 25 * c1 + 8 * 8 * 25 * c1 * c2 + net.D; // the two convolutions, then the dense layers (≤ D)
}

/** Flops of P·θ_d plus Pᵀ·g for one run and one step. */
function projectionFlops(kind: string, D: number, d: number): number {
  if (kind === "direct") return 0;
  if (kind === "dense") return 4 * D * d;
  if (kind === "sparse") return 4 * d * Math.sqrt(D);
  const L = 2 ** Math.ceil(Math.log2(D));
  return 4 * L * Math.log2(L) + 12 * L; // four transforms and the diagonal scalings
}

/**
 * The run's work (run.ts trains the same deduplicated jobs): per step, each group of stacked runs
 * costs one forward and backward pass (3× the forward's flops) and about 12 tfjs ops per layer, and
 * each run its projection and Adam update on the CPU; then one validation pass per run.
 */
export function cost(p: IntrinsicDimensionParams): Cost {
  const plan = netsFor(p);
  const jobs = new Map<string, { net: string; projection: string; d: number; seed: number }>();
  for (const ask of asksFor(p, plan)) {
    if (ask.direct) for (let s = 0; s < ask.seeds; s++) jobs.set(`${ask.net}|direct|${s}`, { net: ask.net, projection: "direct", d: 0, seed: s });
    for (const d of ask.dims) for (const proj of ask.projections) for (let s = 0; s < ask.seeds; s++) jobs.set(`${ask.net}|${proj}|${d}|${s}`, { net: ask.net, projection: proj, d, seed: s });
  }
  const groups = new Map<string, number>();
  for (const j of jobs.values()) {
    const key = `${j.net}|${j.seed}|${j.projection === "direct"}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  let tensorFlops = 0, tensorOps = 0, cpuFlops = 0;
  for (const [key, K] of groups) {
    const [netKey, , direct] = key.split("|");
    const { info, net } = plan.nets.get(netKey)!;
    const steps = direct === "true" ? p.directSteps : p.steps;
    const passes = Math.max(1, Math.ceil(K / net.maxK)); // LeNet trains one run at a time
    const layers = info.kind === "fc" ? p.depth + 1 : 5;
    tensorFlops += steps * 6 * p.batch * K * maddsPerExample(info, p) + 2 * p.valSize * K * maddsPerExample(info, p);
    tensorOps += steps * passes * (12 * layers + 20);
  }
  for (const j of jobs.values()) {
    const { info } = plan.nets.get(j.net)!;
    const steps = j.projection === "direct" ? p.directSteps : p.steps;
    const d = j.projection === "direct" ? info.D : j.d;
    cpuFlops += LOOP * steps * (projectionFlops(j.projection, info.D, d) + 4 * info.D + 10 * d);
  }
  return { tensorFlops, tensorOps, cpuFlops };
}

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
  cost,
  run,
  figures,
  claims,
};
