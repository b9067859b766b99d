/**
 * Runs one plan end to end: backend chosen, a seeded context, the tensor count checked,
 * figures and claims built from the result's tables. The CLI, sweeps, widgets and notebooks
 * all run experiments through here, so they agree on every number. With a cache folder, a
 * point computed before (by a sweep, the CLI or a notebook) is read back instead of recomputed,
 * and judged and drawn exactly as a fresh run would be.
 */
import { join } from "node:path";
import { initBackend, type BackendName } from "../compute/backend.js";
import { withTensorCheck } from "../compute/memory.js";
import { createRunContext } from "../experiments/context.js";
import type { Experiment, ProgressFn, Result } from "../experiments/types.js";
import { makeRecord, type RunRecord } from "../report/record.js";
import { planKey, readPoint, writePoint, type CachedPoint } from "./cache.js";
import { resolvePlan, type Plan, type PlanOptions } from "./plan.js";

export interface ExecuteOptions {
  progress?: ProgressFn;
  signal?: AbortSignal;
  /**
   * A cache folder to read the point from and write it to (the sweep's cache); `true` for the
   * default `.lowrank-cache/` in the working directory; default none: always compute.
   */
  cache?: string | boolean;
  /** With a cache: compute (and re-cache) even when the point is cached. */
  force?: boolean;
}

export interface RunOptions extends PlanOptions, ExecuteOptions {}

export const defaultCacheDir = (): string => join(process.cwd(), ".lowrank-cache");

function cacheDirOf(cache: ExecuteOptions["cache"]): string | undefined {
  if (cache === true) return defaultCacheDir();
  return typeof cache === "string" ? cache : undefined;
}

/** Claims and figures from a result: the same functions for a fresh run and a cached point. */
export function recordOf(plan: Plan, result: Result, run: { backend: BackendName; durationMs: number; cached: boolean }): RunRecord {
  const experiment = plan.experiment as Experiment;
  const params = plan.params as Record<string, unknown>;
  return makeRecord({
    experiment: experiment.name,
    preset: plan.preset,
    overrides: { ...plan.overrides },
    params: { ...params },
    seed: plan.seed,
    backend: run.backend,
    durationMs: run.durationMs,
    cached: run.cached,
    metrics: result.metrics,
    claims: experiment.claims(result, params),
    figures: experiment.figures(result, params),
    result,
  });
}

/** A record rebuilt from a cached point. */
export function recordFromCache(plan: Plan, point: CachedPoint): RunRecord {
  const backend = (point.backend ?? "unknown") as BackendName;
  return recordOf(plan, { tables: point.tables, metrics: point.metrics }, { backend, durationMs: point.durationMs, cached: true });
}

/** Computes the plan's result (never reading the cache); the tensor count must be unchanged afterwards. */
export async function compute(plan: Plan, options: ExecuteOptions = {}): Promise<{ result: Result; backend: BackendName; durationMs: number }> {
  const experiment = plan.experiment as Experiment;
  const device = await initBackend();
  const ctx = createRunContext({ seed: plan.seed, progress: options.progress, signal: options.signal });
  const start = performance.now();
  const raw = await withTensorCheck(`${experiment.name} run`, () => experiment.run(plan.params as Record<string, unknown>, ctx));
  // Results are tables and metrics only: anything else would be lost in the cache.
  const result: Result = { tables: raw.tables, metrics: raw.metrics };
  return { result, backend: device.backend, durationMs: performance.now() - start };
}

export async function runPlan(plan: Plan, options: ExecuteOptions = {}): Promise<RunRecord> {
  const cacheDir = cacheDirOf(options.cache);
  const key = planKey(plan);
  if (cacheDir && !options.force) {
    const point = await readPoint(cacheDir, key);
    if (point) return recordFromCache(plan, point);
  }
  const { result, backend, durationMs } = await compute(plan, options);
  if (cacheDir) {
    await writePoint(cacheDir, { key, backend, durationMs, createdAt: new Date().toISOString(), metrics: result.metrics, tables: result.tables });
  }
  return recordOf(plan, result, { backend, durationMs, cached: false });
}

/** `lab.run(name, {preset, params, seed, cache})`: resolves the plan, then runs it. */
export async function runExperiment(which: string | Experiment, options: RunOptions = {}): Promise<RunRecord> {
  return runPlan(resolvePlan(which, options), options);
}
