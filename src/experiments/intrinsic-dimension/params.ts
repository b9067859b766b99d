/**
 * Parameters in the paper's symbols (Li, Farkhoor, Liu & Yosinski 2018, arXiv:1804.08838): a
 * network with D weights is trained only in a random d-dimensional subspace, θ = θ₀ + P·θ_d, for
 * each d of a log-spaced grid and several seeds, next to the directly trained network.
 */
import type { Schema } from "../schema.js";
import type { Constraint } from "../types.js";
import { asksFor, MAX_DENSE_BYTES, netsFor, type Ask } from "./nets.js";

export interface IntrinsicDimensionParams {
  dims: number[];
  lenetDims: number[];
  seeds: number;
  hidden: number;
  depth: number;
  lenet: boolean;
  lenetWidth: number;
  widths: number[];
  widthDims: number[];
  widthSeeds: number;
  projection: "fastfood" | "sparse" | "dense";
  compareWidth: number;
  compareDims: number[];
  trainSize: number;
  valSize: number;
  steps: number;
  directSteps: number;
  batch: number;
  lr: number;
  lrDirect: number;
  l2: number;
  bootstrap: number;
  claimBaseline: "absolute" | "relative";
}

export const params: Schema<IntrinsicDimensionParams> = {
  dims: { type: "number[]", default: [500, 650, 750, 850, 1000, 1500, 3000], min: 1, max: 100000, help: "subspace dimensions d of the FC sweep (steps of 100 around the paper's FC d_int90, 750)" },
  lenetDims: { type: "number[]", default: [150, 225, 290, 350, 500, 1000], min: 1, max: 100000, help: "subspace dimensions d of the LeNet sweep (steps of 60–65 around the paper's LeNet d_int90, 290)" },
  seeds: { type: "int", default: 3, min: 1, max: 20, help: "runs per d (independent θ₀, P and batch order), for the mean curve and the bootstrap (paper: 3)" },
  hidden: { type: "int", default: 200, min: 1, max: 2000, help: "FC hidden width h (paper: 784-200-200-10)" },
  depth: { type: "int", default: 2, min: 1, max: 6, help: "FC hidden layers (paper: 2)" },
  lenet: { type: "boolean", default: true, help: "also sweep LeNet (conv 6, 16; dense 120, 84)" },
  lenetWidth: { type: "number", default: 1, min: 0.1, max: 4, help: "LeNet channel and width multiplier (1 = the paper's, D = 44,426)" },
  widths: { type: "number[]", default: [50, 100, 200], min: 1, max: 2000, help: "FC hidden widths of the width claim (depth as above); d_int90 is measured for each" },
  widthDims: { type: "number[]", default: [250, 500, 750, 1000, 2000], min: 1, max: 100000, help: "subspace dimensions d of the width sweep" },
  widthSeeds: { type: "int", default: 1, min: 1, max: 20, help: "runs per d in the width sweep (the width hidden reuses the main sweep's runs)" },
  projection: { type: "choice", choices: ["fastfood", "sparse", "dense"], default: "fastfood", help: "random projection P of the sweeps (dense needs D·d·4 bytes)" },
  compareWidth: { type: "int", default: 50, min: 1, max: 2000, help: "FC hidden width of the net on which dense, sparse and Fastfood P are compared" },
  compareDims: { type: "number[]", default: [200], min: 1, max: 100000, help: "d values at which all three projections are trained and compared" },
  trainSize: { type: "int", default: 60000, min: 100, max: 60000, help: "training digits: the first n of MNIST's 60,000 training digits (paper: all)" },
  valSize: { type: "int", default: 10000, min: 100, max: 10000, help: "validation digits: the first n of MNIST's 10,000 test digits (paper: all)" },
  steps: { type: "int", default: 200, min: 1, max: 100000, help: "Adam steps of each subspace run (paper: 100 epochs ≈ 47,000; fewer here for time, see README)" },
  directSteps: { type: "int", default: 200, min: 1, max: 100000, help: "Adam steps of the direct-training baseline" },
  batch: { type: "int", default: 128, min: 1, max: 1024, help: "minibatch size (paper: 128)" },
  lr: { type: "number", default: 0.1, min: 1e-6, max: 10, help: "Adam step size on θ_d (paper: 1e-3 over 100 epochs; larger here for the short schedule, see README)" },
  lrDirect: { type: "number", default: 0.001, min: 1e-6, max: 10, help: "Adam step size of direct training (paper: 1e-3)" },
  l2: { type: "number", default: 1e-5, min: 0, max: 1, help: "L2 weight λ on the kernels of θ (paper: 1e-5)" },
  bootstrap: { type: "int", default: 1000, min: 10, max: 100000, help: "bootstrap resamples over runs for the d_int90 interval" },
  claimBaseline: {
    type: "choice", choices: ["absolute", "relative"], default: "relative",
    help: "d_int90 definition the LeNet-vs-FC and width claims use: absolute (90% accuracy) or relative (90% of direct training)",
  },
};

/**
 * `paper` (the defaults): the paper's FC and LeNet on the full MNIST, 3 runs per d on a grid fine
 * around the paper's d_int90, with a training budget cut to fit ≈5 minutes of one CPU (see
 * README for what was cut). `quick`: small nets and few steps, seconds, for the tests.
 */
export const presets: Record<string, Partial<IntrinsicDimensionParams>> = {
  paper: {},
  /**
   * `full`: sized for one GPU (hours, not minutes; the CLI prints an estimate first). The paper's
   * training length and step size (Li et al. 2018, arXiv:1804.08838: Adam, lr 1e-3, batch 128,
   * 100 epochs of 55,000 digits ≈ 47,000 steps) and its d_int90 targets resolved by a dense d grid:
   * FC 784-200-200-10 around 750 and LeNet around 290, with 3 runs per d as the paper's bootstrap
   * (786 ± 66 over 3 runs), so d_int90 can be set against 750 and 290 directly, on the full MNIST
   * (60,000 training digits, scored on the 10,000 test digits; the paper holds 5,000 of the 60,000
   * out for validation, so 47,000 steps are ≈100 epochs of 60,000). The width and projection parts
   * keep the defaults' nets.
   */
  full: {
    dims: [100, 200, 300, 400, 500, 600, 750, 900, 1000, 1250, 1500, 2000, 3000],
    lenetDims: [50, 100, 150, 200, 250, 290, 350, 400, 500, 600, 800],
    seeds: 3,
    widthDims: [200, 400, 750, 1000, 1500, 2000, 3000],
    widthSeeds: 2,
    compareDims: [200, 750],
    steps: 47_000,
    directSteps: 47_000,
    lr: 1e-3,
    lrDirect: 1e-3,
    bootstrap: 2000,
    claimBaseline: "absolute",
  },
  quick: {
    dims: [100, 200, 400, 800, 1600],
    seeds: 2,
    hidden: 32,
    lenet: false,
    widths: [16, 32, 64],
    widthDims: [100, 200, 400, 800, 1600],
    widthSeeds: 1,
    compareWidth: 16,
    compareDims: [100, 400],
    trainSize: 2000,
    valSize: 1000,
    steps: 50,
    directSteps: 50,
    lr: 0.05,
    lrDirect: 0.01,
    bootstrap: 200,
    claimBaseline: "relative",
  },
};

/** The fields that set the size of the net a d-list is for, as they read in a message. */
function shapedBy(p: IntrinsicDimensionParams, param: Ask["param"]): string {
  switch (param) {
    case "dims": return `hidden=${p.hidden}, depth=${p.depth}`;
    case "lenetDims": return `lenetWidth=${p.lenetWidth}`;
    case "widthDims": return `widths=${p.widths.join(",")}, depth=${p.depth}`;
    case "compareDims": return `compareWidth=${p.compareWidth}, depth=${p.depth}`;
  }
}

/** Every (ask, d, projection) the run would train, with the net it is for. */
function* subspaceRuns(p: IntrinsicDimensionParams) {
  const plan = netsFor(p);
  for (const ask of asksFor(p, plan)) {
    const net = plan.nets.get(ask.net)!.info;
    for (const d of ask.dims) for (const projection of ask.projections) yield { ask, net, d, projection };
  }
}

/** A subspace has at most as many dimensions as the net has weights. */
const subspaceWithinNet: Constraint<IntrinsicDimensionParams> = (p) => {
  for (const { ask, net, d } of subspaceRuns(p)) {
    if (d > net.D) return `${ask.param} has d=${d} but ${net.label} (${shapedBy(p, ask.param)}) has only D=${net.D} weights; allowed: d <= ${net.D}`;
  }
  return undefined;
};

/** A dense P holds D·d floats; beyond 1 GiB it would not fit in memory next to everything else. */
const denseFits: Constraint<IntrinsicDimensionParams> = (p) => {
  for (const { ask, net, d, projection } of subspaceRuns(p)) {
    const bytes = net.D * d * 4;
    if (projection !== "dense" || bytes <= MAX_DENSE_BYTES) continue;
    const hint = ask.param === "compareDims" ? "" : " (or projection=fastfood)";
    return `${ask.param} has d=${d}, where a dense P for ${net.label} (${shapedBy(p, ask.param)}) needs ${(bytes / 2 ** 30).toFixed(1)} GiB; ` +
      `allowed: D·d·4 bytes <= 1 GiB, here d <= ${Math.floor(MAX_DENSE_BYTES / (4 * net.D))}${hint}`;
  }
  return undefined;
};

export const constraints: readonly Constraint<IntrinsicDimensionParams>[] = [subspaceWithinNet, denseFits];
