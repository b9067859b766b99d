/**
 * sweep(experiment, grid): every point of a parameter grid run through the experiment
 * runner (so a point gives the same numbers as `lab.run` and the CLI), each cached on disk,
 * and all of them returned as ONE long arquero table with the swept values as columns,
 * ready for `explore` or any arquero verb. A cached point is read, never recomputed,
 * unless `force`; a sweep interrupted halfway resumes where it stopped.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { UsageError } from "../compute/usageError.js";
import { getExperiment } from "../experiments/registry.js";
import type { Experiment, ProgressFn } from "../experiments/types.js";
import type { RunRecord } from "../report/record.js";
import { throwIfAborted } from "../experiments/context.js";
import { checkSeed, resolvePlan } from "../run/plan.js";
import { defaultCacheDir, runPlan } from "../run/runner.js";
import { progress as progressBar } from "../widgets/progress.js";
import { expandGrid, type Grid, type GridPoint } from "./grid.js";
import type { SlurmSweepOptions, SlurmSweepSummary } from "./slurm/sweep.js";

export interface SweepOptions {
  /** Seed of every point (common random numbers across the grid); default 0. Sweep seeds with a `seed` key in the grid. */
  seed?: number;
  /** The experiment's preset the grid varies around; default 'paper', as in `lab.run`. */
  preset?: string;
  /** Fixed overrides applied to every point, under the grid's values. */
  params?: Record<string, unknown>;
  /** Which result table to return; default the experiment's first. 'metrics' gives one row per point with its metrics. */
  table?: string;
  /** Folder of the point cache; default `.lowrank-cache/` in the working directory. `false` turns caching off. */
  cacheDir?: string | false;
  /** Recompute (and re-cache) every point even when cached; default false. */
  force?: boolean;
  /** A progress bar over the points (default true), false for none, or your own ProgressFn. */
  progress?: boolean | ProgressFn;
  /** Stops the sweep between points, and the point in flight where the experiment checks it. */
  signal?: AbortSignal;
  /** Where the points run: "local" (default), one after another in this process; "slurm" takes SlurmSweepOptions. */
  executor?: "local";
}

export { defaultCacheDir };

export function describePoint(point: GridPoint): string {
  return Object.entries(point).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(",")}]` : String(v)}`).join(", ");
}

/**
 * One point's chosen table with the swept values as leading columns, under the params' own
 * names, since they are what a sweep is indexed by (and what `explore`'s sliders filter on).
 * A table column of the same name is dropped when it repeats the swept value on every row,
 * and kept as `<name>_table` when it says something else (matrix-sensing's `k` is r for its
 * exact-parameterisation rows, whatever k was swept).
 */
export function withPointColumns(table: ColumnTable, point: GridPoint): ColumnTable {
  const n = table.numRows();
  const columns: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(point)) columns[k] = Array.from({ length: n }, () => v);
  let own = table;
  for (const name of Object.keys(point)) {
    if (!own.columnNames().includes(name)) continue;
    const same = Array.from(own.array(name) as ArrayLike<unknown>).every((x) => JSON.stringify(x) === JSON.stringify(point[name]));
    own = same ? own.select(aq.not(name)) : own.rename({ [name]: `${name}_table` });
  }
  return aq.table(columns).assign(own);
}

/** One point of a sweep: the grid values that define it and its whole record (figures and claims included). */
export interface SweepPoint {
  point: GridPoint;
  record: RunRecord;
}

/**
 * Every point of the grid as a RunRecord, through the cache: `points[i].record.figure(id)` draws
 * the paper's own figure for that point, and its claims are judged, without recomputing
 * anything a sweep (in this notebook, from the CLI, or on a cluster) already cached.
 */
export async function sweepRecords(which: string | Experiment, grid: Grid, options: SweepOptions = {}): Promise<SweepPoint[]> {
  const executor = (options as { executor?: unknown }).executor;
  if (executor !== undefined && executor !== "local") throw new UsageError(`sweepRecords: executor ${JSON.stringify(executor)} is not allowed; allowed: "local" (run lab.sweep with executor "slurm" first; sweepRecords then reads its points from the cache)`);
  const experiment = typeof which === "string" ? getExperiment(which) : which;
  const preset = options.preset ?? "paper";
  const baseSeed = checkSeed(options.seed ?? 0);
  const points = expandGrid(grid);
  // Resolve every point's plan before running any, so a bad value fails at once, not an hour in.
  const plans = points.map((point) => {
    const { seed, ...params } = point;
    return resolvePlan(experiment, { preset, params: { ...options.params, ...params }, seed: seed === undefined ? baseSeed : checkSeed(seed) });
  });
  const cache = options.cacheDir === false ? false : (options.cacheDir ?? defaultCacheDir());

  const report = makeReport(options.progress, `sweep ${experiment.name}`, points.length);
  const out: SweepPoint[] = [];
  let cachedCount = 0;
  for (let i = 0; i < plans.length; i++) {
    throwIfAborted(options.signal, "sweep");
    const label = describePoint(points[i]);
    report(i, label);
    const record = await runPlan(plans[i], {
      cache,
      force: options.force,
      signal: options.signal,
      progress: (done, total) => report(i + (total > 0 ? Math.min(done / total, 0.999) : 0), label),
    });
    if (record.cached) cachedCount++;
    report(i + 1, record.cached ? `${label} (cached)` : label);
    out.push({ point: points[i], record });
  }
  report.finish(cachedCount ? `${cachedCount} of ${points.length} from cache` : undefined);
  return out;
}

/**
 * The sweep as one table. With `{executor: "slurm", ...}` the points not cached yet run as ONE
 * Slurm job array (the same code as `lowrank-lab sweep --executor slurm`): with `wait` (default)
 * the progress bar follows the array and the merged table is returned, the same as this process
 * would have computed; with `wait: false` a SlurmSweepSummary is returned at once.
 */
export function sweep(which: string | Experiment, grid: Grid, options: SlurmSweepOptions & { wait: false }): Promise<SlurmSweepSummary>;
export function sweep(which: string | Experiment, grid: Grid, options?: SweepOptions | (SlurmSweepOptions & { wait?: true })): Promise<ColumnTable>;
export function sweep(which: string | Experiment, grid: Grid, options: SweepOptions | SlurmSweepOptions): Promise<ColumnTable | SlurmSweepSummary>;
export async function sweep(which: string | Experiment, grid: Grid, options: SweepOptions | SlurmSweepOptions = {}): Promise<ColumnTable | SlurmSweepSummary> {
  const executor: unknown = options.executor;
  if (executor === "slurm") {
    const { sweepOnSlurm } = await import("./slurm/sweep.js");
    return sweepOnSlurm(which, grid, options as SlurmSweepOptions);
  }
  if (executor !== undefined && executor !== "local") throw new UsageError(`sweep: executor ${JSON.stringify(executor)} is not allowed; allowed: "local", "slurm"`);
  for (const key of SLURM_ONLY) {
    if ((options as Record<string, unknown>)[key] !== undefined) throw new UsageError(`sweep: ${key} needs executor: "slurm"`);
  }
  return sweepLocal(which, grid, options as SweepOptions);
}

const SLURM_ONLY = ["partition", "time", "maxParallel", "sbatchArgs", "wait"];

async function sweepLocal(which: string | Experiment, grid: Grid, options: SweepOptions): Promise<ColumnTable> {
  const parts = (await sweepRecords(which, grid, options)).map(({ point, record }) => withPointColumns(pick(record, options.table), point));
  return parts.length === 1 ? parts[0] : parts[0].concat(...parts.slice(1));
}

/** The table a sweep returns for one point. */
export function pick(record: RunRecord, name: string | undefined): ColumnTable {
  const tables = record.result.tables;
  if (name === "metrics" && !("metrics" in tables)) {
    return aq.table(Object.fromEntries([...Object.entries(record.metrics).map(([k, v]) => [k, [v]]), ["durationMs", [record.durationMs]]]));
  }
  const names = Object.keys(tables);
  const chosen = name ?? names[0];
  const table = tables[chosen];
  if (!table) throw new UsageError(`sweep: ${record.experiment} has no table '${chosen}'; available: ${[...names, "metrics"].join(", ")}`);
  return table;
}

export type Report = ((done: number, detail?: string) => void) & { finish(summary?: string): void };

export function makeReport(option: SweepOptions["progress"], label: string, total: number): Report {
  if (typeof option === "function") {
    const fn = ((done: number, detail?: string) => option(done, total, detail)) as Report;
    fn.finish = () => {};
    return fn;
  }
  if (option === false) return Object.assign(() => {}, { finish() {} });
  const bar = progressBar(total, { label });
  const fn = ((done: number, detail?: string) => {
    // The last point's report must not end the bar before the cached-count detail is set.
    if (done < total) bar.update(done, detail);
    else bar.detail = detail;
  }) as Report;
  fn.finish = (summary) => {
    bar.done = total;
    bar.finish(summary);
  };
  return fn;
}
