/**
 * The run's three long tables and its metrics, and how the curves, d_int90 and metrics are
 * derived from the runs. The claims and figures read these tables (and the params) only, so a
 * result read back from the sweep cache is judged and drawn as a fresh one.
 */
import type { ColumnTable } from "arquero";
import type { Rng } from "../../compute/rng.js";
import type { Result, Tables } from "../types.js";
import { bootstrapDInt90, mean, std, type Baseline } from "./dint.js";
import { sortedUnique, type NetInfo } from "./nets.js";
import type { IntrinsicDimensionParams } from "./params.js";

/** `runs`: one row per training run. */
export interface RunRow {
  net: string;
  label: string;
  D: number;
  /** 'dense', 'sparse', 'fastfood', or 'direct' (then d = D). */
  projection: string;
  d: number;
  seed: number;
  valAcc: number;
  trainLoss: number;
  /**
   * The plateau probe (train.ts): accuracy on the first min(2,000, valSize) validation digits
   * after 80% of the steps and at the end; a run still climbing gains more than a little between.
   */
  probeAcc: number;
  probeAccEnd: number;
  /** Wall time of the group of runs this one trained in, shared equally. */
  seconds: number;
  /** Wall time per step of that group, and how many runs it stacked. */
  msPerStep: number;
  stacked: number;
}

/** `curves`: mean ± sd validation accuracy per net × projection × d. */
export interface CurveRow {
  net: string;
  label: string;
  D: number;
  projection: string;
  d: number;
  meanAcc: number;
  sdAcc: number;
  runs: number;
}

/** `dint`: d_int90 per net × definition, for every net with a sweep and direct-training runs. */
export interface DIntRow {
  net: string;
  label: string;
  D: number;
  definition: Baseline;
  threshold: number;
  /** Mean accuracy of the net's direct-training runs. */
  directAcc: number;
  /** d_int90 of the runs as measured; NaN when no d reaches the threshold. */
  dint90: number;
  /** Bootstrap mean, sd and 95% interval over the resamples that cross. */
  bootMean: number;
  bootStd: number;
  lo: number;
  hi: number;
  /** Fraction of resamples whose mean curve never reaches the threshold. */
  missed: number;
}

export interface IntrinsicDimensionTables extends Tables {
  runs: ColumnTable;
  curves: ColumnTable;
  dint: ColumnTable;
}

export type IntrinsicDimensionResult = Result<IntrinsicDimensionTables>;


/** Mean ± sd accuracy at every (net, projection, d) the runs cover. */
export function curveRows(nets: NetInfo[], runs: RunRow[]): CurveRow[] {
  const out: CurveRow[] = [];
  for (const info of nets) {
    const mine = runs.filter((r) => r.net === info.key);
    for (const proj of [...new Set(mine.map((r) => r.projection))]) {
      for (const d of sortedUnique(mine.filter((r) => r.projection === proj).map((r) => r.d))) {
        const acc = mine.filter((r) => r.projection === proj && r.d === d).map((r) => r.valAcc);
        out.push({ net: info.key, label: info.label, D: info.D, projection: proj, d, meanAcc: mean(acc), sdAcc: std(acc), runs: acc.length });
      }
    }
  }
  return out;
}

/**
 * d_int90 under both definitions, with a bootstrap interval, for every net swept with the run's
 * projection next to direct training. Each (net, definition) draws from its own forked stream.
 */
export function dintRows(p: IntrinsicDimensionParams, nets: NetInfo[], runs: RunRow[], rng: Rng): DIntRow[] {
  const out: DIntRow[] = [];
  for (const info of nets) {
    const mine = runs.filter((r) => r.net === info.key);
    const direct = mine.filter((r) => r.projection === "direct").map((r) => r.valAcc);
    const sweepRuns = mine.filter((r) => r.projection === p.projection);
    const ds = sortedUnique(sweepRuns.map((r) => r.d));
    if (ds.length === 0 || direct.length === 0) continue;
    const sweep = { d: ds, acc: ds.map((d) => sweepRuns.filter((r) => r.d === d).map((r) => r.valAcc)) };
    const directAcc = mean(direct);
    for (const definition of ["absolute", "relative"] as const) {
      const i = bootstrapDInt90(sweep, definition, direct, p.bootstrap, rng.fork(`bootstrap ${info.key} ${definition}`));
      out.push({
        net: info.key, label: info.label, D: info.D, definition, threshold: definition === "absolute" ? 0.9 : 0.9 * directAcc, directAcc,
        dint90: i.value, bootMean: i.mean, bootStd: i.std, lo: i.lo, hi: i.hi, missed: i.missed,
      });
    }
  }
  return out;
}

/**
 * `<net>.dint90.<definition>` and its `…BootStd`, `<net>.paramCount` and `<net>.directAcc` for
 * every net in the dint table, and `runs`. A d_int90 that was not reached is left out (the dint
 * table says NaN). Wall times stay in the runs table: metrics depend on params and seed alone.
 */
export function metricsOf(nets: NetInfo[], dint: DIntRow[], runs: number): Record<string, number> {
  const metrics: Record<string, number> = {};
  const put = (key: string, x: number) => {
    if (Number.isFinite(x)) metrics[key] = x;
  };
  for (const info of nets) {
    const mine = dint.filter((x) => x.net === info.key);
    if (mine.length === 0) continue;
    for (const x of mine) {
      put(`${info.metric}.dint90.${x.definition}`, x.dint90);
      put(`${info.metric}.dint90.${x.definition}BootStd`, x.bootStd);
    }
    metrics[`${info.metric}.paramCount`] = info.D;
    metrics[`${info.metric}.directAcc`] = mine[0].directAcc;
  }
  metrics.runs = runs;
  return metrics;
}
