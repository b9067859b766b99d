/**
 * One run of the experiment: the FC and LeNet sweeps over d, the width sweep, the projection
 * comparison and the direct-training baselines, as one deduplicated list of training jobs (a job
 * asked for by two parts, e.g. the FC net in the width sweep, is trained once). Seeds give common
 * random numbers: run s of a net starts from the same θ₀ and sees the same batches at every d and
 * under every projection, so the curves differ by d and P alone, and those runs train side by
 * side as one stacked network (train.ts).
 */
import * as aq from "arquero";
import type { RunContext } from "../types.js";
import { loadMnist, take } from "./data.js";
import { initTheta } from "./model.js";
import { asksFor, netInfos, netsFor, type NetPlan } from "./nets.js";
import type { IntrinsicDimensionParams } from "./params.js";
import { identityProjection, projection, type ProjectionKind } from "./projection.js";
import { curveRows, dintRows, metricsOf, type IntrinsicDimensionResult, type RunRow } from "./tables.js";
import { trainSubspaces } from "./train.js";

interface Job {
  net: string;
  projection: ProjectionKind | "direct";
  d: number;
  seed: number;
}

/** Every job, deduplicated, in a stable order (a d too large for its net is refused by the constraints). */
function jobsFor(p: IntrinsicDimensionParams, plan: NetPlan): Job[] {
  const jobs = new Map<string, Job>();
  const add = (net: string, proj: Job["projection"], d: number, seed: number) => {
    jobs.set(`${net}|${proj}|${d}|${seed}`, { net, projection: proj, d: proj === "direct" ? plan.nets.get(net)!.info.D : d, seed });
  };
  for (const ask of asksFor(p, plan)) {
    if (ask.direct) for (let s = 0; s < ask.seeds; s++) add(ask.net, "direct", 0, s);
    for (const d of ask.dims) for (const proj of ask.projections) for (let s = 0; s < ask.seeds; s++) add(ask.net, proj, d, s);
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
      steps, batch: p.batch, lr: direct ? p.lrDirect : p.lr, l2: p.l2,
      checkpoint: (t) => ctx.checkpoint(done + t * group.length, total, label),
    }, ctx.rng.fork(`batches ${first.net} ${first.seed}`));
    done += steps * group.length;
    const seconds = (performance.now() - start) / 1000;
    group.forEach((job, k) => rows.push({
      net: job.net, label: info.label, D: net.D, projection: job.projection, d: job.d, seed: job.seed,
      valAcc: results[k].valAcc, trainLoss: results[k].trainLoss, probeAcc: results[k].probeAcc, probeAccEnd: results[k].probeAccEnd,
      seconds: seconds / group.length, msPerStep: (1000 * seconds) / steps, stacked: group.length,
    }));
  }
  const nets = netInfos(p);
  const dint = dintRows(p, nets, rows, ctx.rng);
  return {
    tables: { runs: aq.from(rows), curves: aq.from(curveRows(nets, rows)), dint: aq.from(dint) },
    metrics: metricsOf(nets, dint, rows.length),
  };
}
