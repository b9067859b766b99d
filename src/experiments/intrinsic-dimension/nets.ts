/**
 * Which networks a run trains and what it asks of each, as pure functions of the params: the
 * run builds its training jobs from them, the constraints check them before anything runs, and
 * the claims and figures find the main, LeNet, width and comparison nets through them.
 */
import { fcNet, leNet, type Net } from "./model.js";
import type { IntrinsicDimensionParams } from "./params.js";
import type { ProjectionKind } from "./projection.js";

/** A network of the experiment and what it is used for. */
export interface NetInfo {
  key: string;
  /** Prefix of its metrics: 'fc' (the main FC net), 'lenet', or 'fcW50' for another FC width. */
  metric: string;
  label: string;
  D: number;
  kind: "fc" | "lenet";
  /** FC hidden width (0 for LeNet). */
  width: number;
  roles: Array<"main" | "lenet" | "width" | "compare">;
}

export interface NetPlan {
  nets: Map<string, { info: NetInfo; net: Net }>;
  main: string;
  lenet?: string;
  widthKeys: string[];
  compare: string;
}

/**
 * What one part of the experiment asks of a net: direct training (when `direct`) and then, for
 * each d and each projection, `seeds` subspace runs. `param` is the field that lists the d values.
 */
export interface Ask {
  net: string;
  param: "dims" | "lenetDims" | "widthDims" | "compareDims";
  direct: boolean;
  dims: number[];
  projections: ProjectionKind[];
  seeds: number;
}

/** A dense P larger than this is refused: it would not fit a laptop's memory next to the rest. */
export const MAX_DENSE_BYTES = 1 << 30;

export function sortedUnique(xs: number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

export function netsFor(p: IntrinsicDimensionParams): NetPlan {
  const nets = new Map<string, { info: NetInfo; net: Net }>();
  const fc = (w: number, role: NetInfo["roles"][number]) => {
    const key = `fc-${w}x${p.depth}`;
    if (!nets.has(key)) {
      const net = fcNet(w, p.depth);
      const metric = w === p.hidden ? "fc" : `fcW${w}`;
      nets.set(key, { info: { key, metric, label: net.name, D: net.D, kind: "fc", width: w, roles: [] }, net });
    }
    const info = nets.get(key)!.info;
    if (!info.roles.includes(role)) info.roles.push(role);
    return key;
  };
  const main = fc(p.hidden, "main");
  const widthKeys = sortedUnique(p.widths).map((w) => fc(w, "width"));
  const compare = fc(p.compareWidth, "compare");
  let lenet: string | undefined;
  if (p.lenet) {
    const net = leNet(p.lenetWidth);
    lenet = "lenet";
    nets.set(lenet, { info: { key: lenet, metric: "lenet", label: net.name, D: net.D, kind: "lenet", width: 0, roles: ["lenet"] }, net });
  }
  return { nets, main, lenet, widthKeys, compare };
}

/** The nets of a run with their roles, for the claims and figures. */
export function netInfos(p: IntrinsicDimensionParams): NetInfo[] {
  return [...netsFor(p).nets.values()].map((n) => n.info);
}

/**
 * Everything the run asks, in the order it trains: the main FC sweep, the LeNet sweep, the other
 * widths' sweeps (the main width reuses its own), then the projection comparison.
 */
export function asksFor(p: IntrinsicDimensionParams, plan: NetPlan): Ask[] {
  const sweep = (net: string, param: Ask["param"], dims: number[], seeds: number): Ask =>
    ({ net, param, direct: true, dims: sortedUnique(dims), projections: [p.projection], seeds });
  return [
    sweep(plan.main, "dims", p.dims, p.seeds),
    ...(plan.lenet ? [sweep(plan.lenet, "lenetDims", p.lenetDims, p.seeds)] : []),
    ...plan.widthKeys.filter((key) => key !== plan.main).map((key) => sweep(key, "widthDims", p.widthDims, p.widthSeeds)),
    { net: plan.compare, param: "compareDims", direct: false, dims: sortedUnique(p.compareDims), projections: ["dense", "sparse", "fastfood"], seeds: p.seeds },
  ];
}
