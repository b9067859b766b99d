/**
 * One sweep point as a unit of work for a worker process or a Slurm array task: it is
 * described by plain JSON (a `PointTask`), resolved into a plan, run through the runner
 * against the shared cache, and on failure leaves `<hash>.error.txt` beside where its cache
 * file would be (written atomically, removed again once the point succeeds).
 */
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { planKey, pointPath } from "../run/cache.js";
import { resolvePlan, type Plan } from "../run/plan.js";
import { runPlan } from "../run/runner.js";
import type { ProgressFn } from "../experiments/types.js";
import type { GridPoint } from "./grid.js";

/** What a process needs to run one point: no functions, so it crosses IPC and files. */
export interface PointTask {
  experiment: string;
  preset: string;
  params: Record<string, unknown>;
  seed: number;
  cacheDir: string;
  force?: boolean;
}

export function taskOf(experiment: string, preset: string, fixed: Record<string, unknown>, point: GridPoint, baseSeed: number, cacheDir: string): PointTask {
  const { seed, ...params } = point;
  return { experiment, preset, params: { ...fixed, ...params }, seed: seed === undefined ? baseSeed : Number(seed), cacheDir };
}

export function planOf(task: PointTask): Plan {
  return resolvePlan(task.experiment, { preset: task.preset, params: task.params, seed: task.seed });
}

export function errorPath(cacheDir: string, plan: Plan): string {
  return pointPath(cacheDir, planKey(plan)).replace(/\.json$/, ".error.txt");
}

let tmpCount = 0;

export async function writeError(path: string, text: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  // One temporary name per write, not per process: a cancelled task can write its error twice at
  // once (the SIGTERM handler and the aborted run), and two writers of one temporary file can
  // interleave their bytes or make the second rename fail.
  const tmp = `${path}.${process.pid}-${++tmpCount}.tmp`;
  await writeFile(tmp, text.endsWith("\n") ? text : text + "\n");
  await rename(tmp, path);
}

export async function readError(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    return undefined;
  }
}

export interface PointOutcome {
  ok: boolean;
  cached: boolean;
  durationMs: number;
  error?: string;
}

/** Runs one point through the cache; never throws for the point's own failure (it is recorded instead). */
export async function runPointTask(task: PointTask, signal?: AbortSignal, progress?: ProgressFn): Promise<PointOutcome> {
  const plan = planOf(task);
  const errFile = errorPath(task.cacheDir, plan);
  try {
    const record = await runPlan(plan, { cache: task.cacheDir, force: task.force, signal, progress });
    await rm(errFile, { force: true });
    return { ok: true, cached: record.cached, durationMs: record.durationMs };
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    await writeError(errFile, `${new Date().toISOString()} ${task.experiment} seed=${task.seed} params=${JSON.stringify(task.params)}\n${e instanceof Error && e.stack ? e.stack : error}`);
    return { ok: false, cached: false, durationMs: 0, error };
  }
}
