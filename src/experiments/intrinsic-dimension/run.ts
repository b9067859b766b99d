/**
 * One run of the experiment: the FC and LeNet sweeps over d, the width sweep, the projection
 * comparison and the direct-training baselines, as one deduplicated list of training jobs (a job
 * asked for by two parts, e.g. the FC net in the width sweep, is trained once). Seeds give common
 * random numbers: run s of a net starts from the same θ₀ and sees the same batches at every d and
 * under every projection, so the curves differ by d and P alone, and those runs train side by
 * side as one stacked network (train.ts).
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { UsageError } from "../../compute/usageError.js";
import type { Result, RunContext } from "../types.js";
import { loadMnist, take } from "./data.js";
import { bootstrapDInt90, mean, std, type Baseline, type Interval } from "./dint.js";
import { fcNet, initTheta, leNet, type Net } from "./model.js";
import type { IntrinsicDimensionParams } from "./params.js";
import { identityProjection, projection, type ProjectionKind } from "./projection.js";
import { trainSubspaces } from "./train.js";

/** A network of the experiment and what it is used for. */
export interface NetInfo {
  key: string;
  /** Prefix of its metrics: 'fc' (the main FC net), 'lenet', or 'fc_w50' for another width. */
  metric: string;
  label: string;
  D: number;
  kind: "fc" | "lenet";
  /** FC hidden width (0 for LeNet). */
  width: number;
  roles: Array<"main" | "lenet" | "width" | "compare">;
}

interface Job {
  net: string;
  projection: ProjectionKind | "direct";
  d: number;
  seed: number;
}

export interface RunRow {
  net: string;
  label: string;
  D: number;
  projection: string;
  d: number;
  seed: number;
  valAcc: number;
  trainLoss: number;
  /** Wall time of the group of runs this one trained in, shared equally. */
  seconds: number;
  /** Wall time per step of that group, and how many runs it stacked. */
  msPerStep: number;
  stacked: number;
}

export interface DIntRow {
  net: string;
  label: string;
  D: number;
  definition: Baseline;
  threshold: number;
  directAcc: number;
  interval: Interval;
}

export interface IntrinsicDimensionResult extends Result {
  /** runs: one row per training run; curves: mean ± sd accuracy per net × projection × d; dint: d_int90 per net × definition. */
  tables: { runs: ColumnTable; curves: ColumnTable; dint: ColumnTable };
  nets: NetInfo[];
  rows: RunRow[];
  dint: DIntRow[];
}

const MAX_DENSE_BYTES = 1 << 30;

function sortedUnique(xs: number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

function netsFor(p: IntrinsicDimensionParams): { nets: Map<string, { info: NetInfo; net: Net }>; main: string; lenet?: string; widthKeys: string[]; compare: string } {
  const nets = new Map<string, { info: NetInfo; net: Net }>();
  const fc = (w: number, role: NetInfo["roles"][number]) => {
    const key = `fc-${w}x${p.depth}`;
    if (!nets.has(key)) {
      const net = fcNet(w, p.depth);
      nets.set(key, { info: { key, metric: w === p.hidden ? "fc" : `fc_w${w}`, label: net.name, D: net.D, kind: "fc", width: w, roles: [] }, net });
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

/** Every job, deduplicated, in a stable order. Throws a UsageError for a d a net cannot take. */
function jobsFor(p: IntrinsicDimensionParams, plan: ReturnType<typeof netsFor>): Job[] {
  const jobs = new Map<string, Job>();
  const add = (net: string, proj: Job["projection"], d: number, seed: number, param: string) => {
    const { D, label } = plan.nets.get(net)!.info;
    if (proj !== "direct" && d > D) throw new UsageError(`parameter ${param} has d=${d} but ${label} has only D=${D} weights; allowed: d <= D`);
    if (proj === "dense" && D * d * 4 > MAX_DENSE_BYTES) {
      throw new UsageError(`parameter ${param}: a dense P for ${label} at d=${d} needs ${((D * d * 4) / 2 ** 30).toFixed(1)} GiB; allowed: D·d·4 bytes <= 1 GiB (use projection=fastfood)`);
    }
    jobs.set(`${net}|${proj}|${d}|${seed}`, { net, projection: proj, d: proj === "direct" ? D : d, seed });
  };
  const sweep = (net: string, dims: number[], seeds: number, param: string) => {
    for (let s = 0; s < seeds; s++) add(net, "direct", 0, s, param);
    for (const d of sortedUnique(dims)) for (let s = 0; s < seeds; s++) add(net, p.projection, d, s, param);
  };
  sweep(plan.main, p.dims, p.seeds, "dims");
  if (plan.lenet) sweep(plan.lenet, p.lenetDims, p.seeds, "lenetDims");
  for (const key of plan.widthKeys) if (key !== plan.main) sweep(key, p.widthDims, p.widthSeeds, "widthDims");
  for (const d of sortedUnique(p.compareDims)) {
    for (const proj of ["dense", "sparse", "fastfood"] as const) for (let s = 0; s < p.seeds; s++) add(plan.compare, proj, d, s, "compareDims");
  }
  return [...jobs.values()];
}

export async function run(p: IntrinsicDimensionParams, ctx: RunContext): Promise<IntrinsicDimensionResult> {
  const plan = netsFor(p);
  const jobs = jobsFor(p, plan);
  const data = loadMnist();
  const train = take(data.train, p.trainSize);
  const val = take(data.val, p.valSize);
  const stepsOf = (j: Job) => (j.projection === "direct" ? p.directSteps : p.steps);
  const total = jobs.reduce((s, j) => s + stepsOf(j), 0);
  const every = Math.max(1, Math.floor(total / 100));
  // Runs of one net and seed share θ₀ and batches: stack them, up to what the net allows.
  const groups: Job[][] = [];
  const byKey = new Map<string, Job[]>();
  for (const j of jobs) {
    const key = `${j.net}|${j.seed}|${j.projection === "direct"}`;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key)!.push(j);
  }
  for (const list of byKey.values()) {
    const maxK = plan.nets.get(list[0].net)!.net.maxK;
    for (let i = 0; i < list.length; i += maxK) groups.push(list.slice(i, i + maxK));
  }
  let done = 0;
  const rows: RunRow[] = [];
  for (const [g, group] of groups.entries()) {
    if (ctx.signal?.aborted) throw new Error("intrinsic-dimension: aborted");
    const first = group[0];
    const { net, info } = plan.nets.get(first.net)!;
    const direct = first.projection === "direct";
    const what = direct ? "direct training" : group.map((j) => `${j.projection} d=${j.d}`).join(", ");
    const label = `group ${g + 1}/${groups.length}: ${info.label}, run ${first.seed + 1}: ${what}`;
    const theta0 = initTheta(net, ctx.rng.fork(`theta0 ${first.net} ${first.seed}`));
    const Ps = group.map((j) =>
      j.projection === "direct" ? identityProjection(net.D) : projection(j.projection, net.D, j.d, ctx.rng.fork(`P ${j.net} ${j.projection} ${j.d} ${j.seed}`)),
    );
    const steps = stepsOf(first);
    const start = performance.now();
    const results = await trainSubspaces(net, Ps, theta0, train, val, {
      steps, batch: p.batch, lr: direct ? p.lrDirect : p.lr, l2: p.l2, signal: ctx.signal,
      onStep: () => {
        const before = done;
        done += group.length;
        if (Math.floor(done / every) > Math.floor(before / every)) ctx.progress(done, total, label);
      },
    }, ctx.rng.fork(`batches ${first.net} ${first.seed}`));
    const seconds = (performance.now() - start) / 1000;
    group.forEach((job, k) => rows.push({
      net: job.net, label: info.label, D: net.D, projection: job.projection, d: job.d, seed: job.seed,
      valAcc: results[k].valAcc, trainLoss: results[k].trainLoss,
      seconds: seconds / group.length, msPerStep: (1000 * seconds) / steps, stacked: group.length,
    }));
  }
  ctx.progress(total, total, "done");
  return summarise(p, rows, ctx);
}

/** Tables, d_int90 with bootstrap intervals, and metrics from the runs' rows (also for rows saved earlier). */
export function summarise(p: IntrinsicDimensionParams, rows: RunRow[], ctx: Pick<RunContext, "rng">): IntrinsicDimensionResult {
  const plan = netsFor(p);
  const nets = [...plan.nets.values()].map((n) => n.info);
  const curves: Array<Record<string, number | string>> = [];
  const dint: DIntRow[] = [];
  const metrics: Record<string, number> = {};
  // JSON has no NaN: a d_int90 that was not reached is left out of the metrics (the dint table says NaN).
  const put = (key: string, x: number) => {
    if (Number.isFinite(x)) metrics[key] = x;
  };
  for (const info of nets) {
    const mine = rows.filter((r) => r.net === info.key);
    const direct = mine.filter((r) => r.projection === "direct").map((r) => r.valAcc);
    for (const proj of [...new Set(mine.map((r) => r.projection))]) {
      for (const d of sortedUnique(mine.filter((r) => r.projection === proj).map((r) => r.d))) {
        const acc = mine.filter((r) => r.projection === proj && r.d === d).map((r) => r.valAcc);
        curves.push({ net: info.key, label: info.label, D: info.D, projection: proj, d, meanAcc: mean(acc), sdAcc: std(acc), runs: acc.length });
      }
    }
    const sweepRows = mine.filter((r) => r.projection === p.projection);
    const ds = sortedUnique(sweepRows.map((r) => r.d));
    if (ds.length === 0 || direct.length === 0) continue;
    const sweep = { d: ds, acc: ds.map((d) => sweepRows.filter((r) => r.d === d).map((r) => r.valAcc)) };
    for (const definition of ["absolute", "relative"] as const) {
      const interval = bootstrapDInt90(sweep, definition, direct, p.bootstrap, ctx.rng.fork(`bootstrap ${info.key} ${definition}`));
      const directAcc = mean(direct);
      dint.push({ net: info.key, label: info.label, D: info.D, definition, threshold: definition === "absolute" ? 0.9 : 0.9 * directAcc, directAcc, interval });
      put(`${info.metric}_dint90_${definition}`, interval.value);
      put(`${info.metric}_dint90_${definition}_boot_std`, interval.std);
    }
    metrics[`${info.metric}_D`] = info.D;
    metrics[`${info.metric}_direct_acc`] = mean(direct);
  }
  // Metrics are a function of (params, seed, backend) alone; wall times stay in the runs table.
  metrics.runs = rows.length;
  const runsTable = aq.from(rows);
  const dintTable = aq.from(dint.map((r) => ({
    net: r.net, label: r.label, D: r.D, definition: r.definition, threshold: r.threshold, directAcc: r.directAcc,
    dint90: r.interval.value, bootMean: r.interval.mean, bootStd: r.interval.std, lo: r.interval.lo, hi: r.interval.hi, missed: r.interval.missed,
  })));
  return { tables: { runs: runsTable, curves: aq.from(curves), dint: dintTable }, metrics, nets, rows, dint };
}
