/**
 * A sweep on Slurm, the one code path behind `lowrank-lab sweep --executor slurm` and
 * `lab.sweep(name, grid, {executor: "slurm"})`: which points to submit (neither cached nor
 * pending or running in an earlier array of the same cache), ONE job array over them, and the
 * wait until it and those earlier arrays have ended, with progress read from the cache folder
 * and squeue. A point the array left with neither a result nor an error gets an error saying so.
 */
import { statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ColumnTable } from "arquero";
import { UsageError } from "../../compute/usageError.js";
import { getExperiment } from "../../experiments/registry.js";
import type { Experiment } from "../../experiments/types.js";
import { planKey, pointHash, pointPath } from "../../run/cache.js";
import { checkSeed } from "../../run/plan.js";
import { defaultCacheDir } from "../../run/runner.js";
import { expandGrid, type Grid } from "../grid.js";
import { mergeCached } from "../merge.js";
import { errorPath, planOf, taskOf, writeError, type PointTask } from "../point.js";
import { describePoint, makeReport, type SweepOptions } from "../sweep.js";
import { checkSlurm, inFlight, submitArray, waitForArray, type ArrayState, type SlurmOptions, type Submission } from "./executor.js";

/** What to submit now, and what earlier arrays of the same cache already have pending or running. */
export interface SlurmPlan {
  /** Indices of the points to submit as one new array. */
  todo: number[];
  /** Indices of the points pending or running in an earlier array (not submitted again). */
  queued: number[];
  /** Those earlier arrays' job ids. */
  earlierJobs: string[];
}

/**
 * Which of `candidates` (point indices: the missing ones, or all with `force`) to submit: those
 * that no earlier array of this cache still has pending or running. With `force` every candidate
 * is submitted.
 */
export function planSubmission(tasks: PointTask[], candidates: number[], experiment: string, cacheDir: string, force = false): SlurmPlan {
  if (force || candidates.length === 0) return { todo: [...candidates], queued: [], earlierJobs: [] };
  const live = new Map<string, string>();
  for (const { jobId, task } of inFlight(cacheDir, experiment)) {
    try {
      live.set(pointHash(planKey(planOf(task))), jobId);
    } catch {
      // a task of another version of the experiment: not one of these points
    }
  }
  const plan: SlurmPlan = { todo: [], queued: [], earlierJobs: [] };
  const jobs = new Set<string>();
  for (const i of candidates) {
    const job = live.get(pointHash(planKey(planOf(tasks[i]))));
    if (job === undefined) plan.todo.push(i);
    else {
      plan.queued.push(i);
      jobs.add(job);
    }
  }
  plan.earlierJobs = [...jobs];
  return plan;
}

/** One poll of a wait: points done and failed (from the cache folder), tasks live (from squeue). */
export interface SlurmProgress {
  done: number;
  failed: number;
  total: number;
  /** Undefined when squeue gave no answer this time. */
  live: ArrayState | undefined;
  jobIds: string[];
}

export interface SubmitOptions extends SlurmOptions {
  /** Poll until the new array and the earlier ones in the plan have ended; default false. */
  wait?: boolean;
  /** Stops the wait (the arrays keep running). */
  signal?: AbortSignal;
  /** Between two polls, in ms; default 1000. */
  intervalMs?: number;
  onSubmitted?: (submission: Submission, count: number) => void;
  onPoll?: (progress: SlurmProgress) => void;
}

export interface SubmitResult {
  submission?: Submission;
  /** The new array's job id (if one was submitted) and the earlier ones waited for. */
  jobIds: string[];
}

/** A file's identity: a point written again (a new file renamed over the old) has a new one. */
function identity(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
}

/**
 * Submits `plan.todo` as ONE job array (after removing those points' errors from an earlier try)
 * and, with `wait`, polls until it and `plan.earlierJobs` have ended. A point counts as done once
 * its cache file exists, and for a point submitted again over its cached file (`force`) once
 * that file has been replaced. When the wait ends, a submitted point left with neither a result
 * nor an error (cancelled while pending, killed, a failed node) gets an error that says so.
 */
export async function submitAndWait(tasks: PointTask[], plan: SlurmPlan, experiment: string, cacheDir: string, options: SubmitOptions = {}): Promise<SubmitResult> {
  const { todo, earlierJobs } = plan;
  for (const i of todo) await rm(errorPath(cacheDir, planOf(tasks[i])), { force: true });
  const files = tasks.map((t) => {
    const plan = planOf(t);
    return { point: pointPath(cacheDir, planKey(plan)), error: errorPath(cacheDir, plan) };
  });
  const submitted = new Set(todo);
  const before = files.map((f, i) => (submitted.has(i) ? identity(f.point) : undefined));
  const submission = todo.length > 0 ? submitArray(todo.map((i) => tasks[i]), experiment, cacheDir, options) : undefined;
  if (submission) options.onSubmitted?.(submission, todo.length);
  const jobIds = [...(submission ? [submission.jobId] : []), ...earlierJobs];
  if (!options.wait || jobIds.length === 0) return { submission, jobIds };

  await waitForArray(
    jobIds,
    (live) => {
      let done = 0;
      let failed = 0;
      files.forEach((f, i) => {
        const now = identity(f.point);
        if (now !== undefined && now !== before[i]) done++;
        else if (identity(f.error) !== undefined) failed++;
      });
      options.onPoll?.({ done, failed, total: tasks.length, live, jobIds });
    },
    options.intervalMs,
    options.signal,
  );
  for (const [k, i] of todo.entries()) {
    if (identity(files[i].point) === undefined && identity(files[i].error) === undefined) {
      await writeError(files[i].error, `job ${submission!.jobId} ended without a result for this point (cancelled before it ran, killed, time limit or node failure); see ${join(submission!.dir, `task-${k}.log`)}`);
    }
  }
  return { submission, jobIds };
}

/** `lab.sweep(name, grid, {executor: "slurm", ...})`'s options. */
export interface SlurmSweepOptions extends Omit<SweepOptions, "executor" | "cacheDir"> {
  executor: "slurm";
  /** The cache folder, which every node of the cluster must see (home, scratch); default `.lowrank-cache/`. */
  cacheDir?: string;
  /** Slurm partition (`sbatch --partition`); default the cluster's. */
  partition?: string;
  /** Time limit per task, [D-]HH:MM:SS (`sbatch --time`). */
  time?: string;
  /** At most this many tasks at once (`--array=...%K`); default all. */
  maxParallel?: number;
  /** Extra sbatch arguments, passed as given, e.g. ["--account=myproj"]. */
  sbatchArgs?: string[];
  /**
   * Wait for the array, with the progress bar, and return the merged table (default true); false
   * returns a SlurmSweepSummary at once, and the same call later submits only what is missing.
   */
  wait?: boolean;
}

/** What `lab.sweep(..., {executor: "slurm", wait: false})` returns. */
export interface SlurmSweepSummary {
  experiment: string;
  /** Points in the grid. */
  points: number;
  /** Points already in the cache. */
  cached: number;
  /** Points submitted now, as the array `jobId`. */
  submitted: number;
  /** Points pending or running in an earlier array (`jobIds`), not submitted again. */
  queued: number;
  /** Points whose last try failed and that are not submitted again now. */
  failed: number;
  jobId?: string;
  /** Every array these points wait on: the new one first, then earlier ones. */
  jobIds: string[];
  cacheDir: string;
  /** The submission folder: job.sbatch, tasks.json, job.id, task-<i>.log. */
  submissionDir?: string;
}

/** The notebook face of the Slurm executor: the same steps as `lowrank-lab sweep --executor slurm [--wait]`. */
export async function sweepOnSlurm(which: string | Experiment, grid: Grid, options: SlurmSweepOptions): Promise<ColumnTable | SlurmSweepSummary> {
  const experiment = typeof which === "string" ? getExperiment(which) : which;
  const name = experiment.name;
  let registered: Experiment | undefined;
  try {
    registered = getExperiment(name);
  } catch {
    registered = undefined;
  }
  if (registered !== experiment) throw new UsageError(`sweep: executor "slurm" runs a registered experiment by its name; ${name} is not one (array tasks look it up in a fresh process)`);
  if ((options.cacheDir as unknown) === false) throw new UsageError(`sweep: executor "slurm" needs a cache folder every node sees; cacheDir: false is not allowed`);
  if (options.cacheDir !== undefined && (typeof options.cacheDir !== "string" || options.cacheDir === "")) throw new UsageError(`sweep: cacheDir ${JSON.stringify(options.cacheDir)} is not allowed; allowed: a folder path every node sees`);
  if (options.wait !== undefined && typeof options.wait !== "boolean") throw new UsageError(`sweep: wait ${JSON.stringify(options.wait)} is not allowed; allowed: true, false`);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const preset = options.preset ?? "paper";
  const baseSeed = checkSeed(options.seed ?? 0);
  const points = expandGrid(grid);
  // Every point's plan resolved (schema, constraints) before anything is submitted or written.
  const tasks = points.map((point) => {
    if (point.seed !== undefined) checkSeed(point.seed);
    const task = taskOf(name, preset, options.params ?? {}, point, baseSeed, cacheDir);
    if (options.force) task.force = true;
    planOf(task);
    return task;
  });
  const slurmOptions: SlurmOptions = { partition: options.partition, time: options.time, maxParallel: options.maxParallel, sbatchArgs: options.sbatchArgs };
  for (const w of checkSlurm(slurmOptions, cacheDir, "notebook")) process.stderr.write(`sweep: warning: ${w}\n`);

  const before = await mergeCached(points, tasks, options.table);
  const plan = planSubmission(tasks, options.force ? tasks.map((_, i) => i) : before.missing, name, cacheDir, !!options.force);
  const wait = options.wait ?? true;
  const report = wait ? makeReport(options.progress, `sweep ${name} on Slurm`, points.length) : undefined;
  const { submission, jobIds } = await submitAndWait(tasks, plan, name, cacheDir, {
    ...slurmOptions,
    wait,
    signal: options.signal,
    onPoll: ({ done, failed, live, jobIds }) => {
      const state = live ? `${live.running} running, ${live.pending} pending` : "squeue gave no answer";
      report?.(done, `job ${jobIds.join(", ")}: ${state}${failed ? `, ${failed} failed` : ""}`);
    },
  });
  const after = await mergeCached(points, tasks, options.table);
  if (!wait) {
    return {
      experiment: name,
      points: points.length,
      cached: after.cached.length,
      submitted: plan.todo.length,
      queued: plan.queued.length,
      failed: after.failed.length,
      ...(submission ? { jobId: submission.jobId } : {}),
      jobIds,
      cacheDir,
      ...(submission ? { submissionDir: submission.dir } : {}),
    };
  }
  report?.(after.cached.length); // also when nothing was submitted or waited for
  const fromCache = options.force ? 0 : before.cached.length;
  report?.finish([fromCache ? `${fromCache} of ${points.length} from cache` : "", jobIds.length ? `job ${jobIds.join(", ")}` : ""].filter(Boolean).join(" · ") || undefined);
  if (after.missing.length > 0 || !after.table) {
    const failures = after.missing.map((i) => {
      const f = after.failed.find((x) => x.index === i);
      return `${describePoint(points[i])}: ${f ? `${f.error} (${f.file})` : "no result"}`;
    });
    throw new Error(`sweep ${name}: ${after.missing.length} of ${points.length} points failed on Slurm (${failures.join("; ")}); the same lab.sweep again submits just those`);
  }
  return after.table;
}
