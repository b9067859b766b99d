/**
 * `lowrank-lab sweep NAME --grid key=values... [--jobs N | --executor slurm ...]`: the CLI face
 * of `lab.sweep`. Every input is checked and every point's plan resolved before any point runs
 * or anything is written; points run in worker processes (or as one Slurm job array) through
 * the shared cache; the merged table is written under --out as CSV and Arrow.
 * `lowrank-lab sweep-point TASKS.json --index I` runs one point of a submitted array.
 */
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { UsageError } from "../compute/usageError.js";
import { getExperiment } from "../experiments/registry.js";
import { checkSeed } from "../run/plan.js";
import { defaultCacheDir } from "../run/runner.js";
import { parseGridArgs, expandGrid, type GridPoint } from "../sweep/grid.js";
import { mergeCached } from "../sweep/merge.js";
import { errorPath, planOf, runPointTask, taskOf, writeError, type PointTask } from "../sweep/point.js";
import { runPool } from "../sweep/pool.js";
import { checkSlurm } from "../sweep/slurm/executor.js";
import { planSubmission, submitAndWait, type SlurmPlan } from "../sweep/slurm/sweep.js";
import { parse, parseSets, positiveInt } from "./args.js";
import { checkOutDir, makeOutDir } from "./outDir.js";
import { writeAtomic } from "./outputs.js";

function label(point: GridPoint): string {
  return Object.entries(point).map(([k, v]) => `${k}=${String(v)}`).join(" ");
}

export async function sweepCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse("sweep", argv, {
    grid: { type: "string", multiple: true },
    preset: { type: "string", default: "paper" },
    set: { type: "string", multiple: true },
    seed: { type: "string", default: "0" },
    cache: { type: "string" },
    out: { type: "string" },
    table: { type: "string" },
    jobs: { type: "string" },
    yes: { type: "boolean" },
    force: { type: "boolean" },
    json: { type: "boolean" },
    executor: { type: "string", default: "local" },
    partition: { type: "string" },
    time: { type: "string" },
    "max-parallel": { type: "string" },
    "sbatch-arg": { type: "string", multiple: true },
    wait: { type: "boolean" },
    "merge-only": { type: "boolean" },
  }, true);
  if (positionals.length !== 1) throw new UsageError("sweep takes one experiment name, e.g. lowrank-lab sweep matrix-sensing --preset quick --grid k=4,5 --grid seed=1,2");
  const experiment = getExperiment(positionals[0]);
  const name = experiment.name;
  if (!values.grid?.length) throw new UsageError(`sweep: at least one --grid key=values is needed; allowed keys: ${[...Object.keys(experiment.params), "seed"].join(", ")}`);
  if (values.executor !== "local" && values.executor !== "slurm") throw new UsageError(`sweep: --executor ${values.executor} is not allowed; allowed: local, slurm`);
  const slurm = values.executor === "slurm";
  if (!slurm) for (const f of ["partition", "time", "max-parallel", "sbatch-arg", "wait"]) if (values[f] !== undefined) throw new UsageError(`sweep: --${f} needs --executor slurm`);
  const jobs = values.jobs === undefined ? availableParallelism() : positiveInt(values.jobs, "sweep", "--jobs");
  const grid = parseGridArgs(values.grid, [...Object.keys(experiment.params), "seed"], !!values.yes);
  const baseSeed = checkSeed(values.seed);
  const fixed = parseSets(values.set);
  const cacheDir = checkOutDir(values.cache ?? defaultCacheDir());
  const out = checkOutDir(values.out ?? join("lowrank-out", `${name}-sweep`));
  const points = expandGrid(grid);
  const tasks = points.map((p) => taskOf(name, values.preset, fixed, p, baseSeed, cacheDir));
  for (const t of tasks) {
    if (values.force) t.force = true;
    planOf(t); // every plan resolved (schema, constraints) before any point runs
  }
  const slurmOptions = { partition: values.partition, time: values.time, maxParallel: values["max-parallel"] === undefined ? undefined : positiveInt(values["max-parallel"], "sweep", "--max-parallel"), sbatchArgs: values["sbatch-arg"] };
  if (slurm && !values["merge-only"]) for (const w of checkSlurm(slurmOptions, cacheDir)) process.stderr.write(`sweep: warning: ${w}\n`);

  const start = performance.now();
  const log = (s: string) => process.stderr.write(`sweep ${name}: ${s}\n`);
  const before = await mergeCached(points, tasks, values.table);
  const candidates = values.force ? tasks.map((_, i) => i) : before.missing;
  // Points that an earlier submission still has pending or running are not queued again (and --wait waits for them too).
  const plan: SlurmPlan = slurm && !values["merge-only"] ? planSubmission(tasks, candidates, name, cacheDir, !!values.force) : { todo: candidates, queued: [], earlierJobs: [] };
  const { todo, earlierJobs } = plan;
  const queued = plan.queued.length;
  log(`${points.length} points, ${points.length - todo.length - queued} cached, ${queued ? `${queued} pending or running in job ${earlierJobs.join(", ")}, ` : ""}${todo.length} to run${values["merge-only"] ? " (--merge-only: none run)" : todo.length === 0 ? "" : slurm ? " as a Slurm job array" : ` in ${Math.min(jobs, todo.length)} worker process(es)`}`);
  let computed = 0;
  let jobId: string | undefined;
  const failedNow = new Map<number, string>();
  if (!values["merge-only"] && (todo.length > 0 || earlierJobs.length > 0)) {
    if (!slurm) {
      let done = 0;
      await runPool(todo.map((i) => tasks[i]), {
        jobs,
        onDone: (j, outcome) => {
          done++;
          const i = todo[j];
          if (outcome.ok && !outcome.cached) computed++;
          if (!outcome.ok) failedNow.set(i, outcome.error ?? "failed");
          log(`[${done}/${todo.length}] ${label(points[i])} ${outcome.ok ? `${(outcome.durationMs / 1000).toFixed(1)} s` : `FAILED: ${outcome.error}`} · ${((performance.now() - start) / 1000).toFixed(1)} s`);
        },
      });
    } else {
      let last = "";
      const sub = await submitAndWait(tasks, plan, name, cacheDir, {
        ...slurmOptions,
        wait: !!values.wait,
        onSubmitted: (s, count) => log(`submitted job array ${s.jobId} (${count} tasks); script ${s.script}, logs task-<i>.log beside it`),
        onPoll: ({ done, failed, total, jobIds }) => {
          const line = `job ${jobIds.join(", ")}: ${done}/${total} points done, ${failed} failed`;
          if (line !== last) log(line);
          last = line;
        },
      });
      jobId = sub.submission?.jobId;
    }
  }
  const after = await mergeCached(points, tasks, values.table);
  if (slurm) computed = Math.max(0, after.cached.length - before.cached.length);
  const failed = after.failed.map((f) => ({ point: points[f.index], error: failedNow.get(f.index) ?? f.error, file: f.file }));
  let files: string[] = [];
  if (after.table) {
    makeOutDir(out);
    const csv = join(out, `${name}.csv`);
    writeAtomic(csv, after.table.toCSV());
    files = [csv];
    try {
      const arrow = join(out, `${name}.arrow`);
      writeAtomic(arrow, Buffer.from(after.table.toArrowIPC()));
      files.push(arrow);
    } catch (e) {
      log(`no Arrow file: ${(e as Error).message}`);
    }
  }
  const pending = slurm && !values.wait && !values["merge-only"] ? after.missing.length - after.failed.length : 0;
  const pendingJobs = [...(jobId ? [jobId] : []), ...earlierJobs].join(", ");
  const summary = {
    experiment: name,
    points: points.length,
    computed,
    cached: after.cached.length - computed,
    failed: failed.length,
    missing: after.missing.length,
    ...(jobId ? { jobId } : {}),
    table: files[0] ?? null,
    files,
    cacheDir,
    elapsedMs: Math.round(performance.now() - start),
    failures: failed,
  };
  for (const f of failed) log(`failed ${label(f.point)}: ${f.error} (${f.file})`);
  log(`${summary.computed} computed, ${summary.cached} cached, ${summary.failed} failed${pending ? `, ${pending} pending in job ${pendingJobs}` : ""}${files[0] ? `; table ${resolve(files[0])}` : ""} · ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  if (values.json) process.stdout.write(JSON.stringify(summary) + "\n");
  return failed.length > 0 && !pending ? 1 : 0;
}

/** One array task: `lowrank-lab sweep-point TASKS.json [--index I]` (default $SLURM_ARRAY_TASK_ID). */
export async function sweepPointCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse("sweep-point", argv, { index: { type: "string" } }, true);
  process.stderr.write(`sweep-point: started ${new Date().toISOString()} on ${process.env.SLURMD_NODENAME ?? "this machine"}\n`);
  if (positionals.length !== 1) throw new UsageError("sweep-point takes the tasks.json a sweep submitted, and --index I");
  const index = Number(values.index ?? process.env.SLURM_ARRAY_TASK_ID);
  let tasks: PointTask[];
  try {
    tasks = JSON.parse(readFileSync(positionals[0], "utf8")) as PointTask[];
  } catch (e) {
    throw new UsageError(`sweep-point: cannot read ${positionals[0]} (${(e as Error).message})`);
  }
  const task = tasks[index];
  if (!Number.isInteger(index) || !task) throw new UsageError(`sweep-point: --index ${values.index ?? process.env.SLURM_ARRAY_TASK_ID} is not allowed; allowed: 0..${tasks.length - 1}`);
  const file = errorPath(task.cacheDir, planOf(task));
  const controller = new AbortController();
  let finished = false;
  let cancelled = false;
  // scancel and the time limit send SIGTERM first (SIGKILL follows after KillWait). The abort's reason
  // says why, and the aborted run records it as the point's error (one writer, so the reason is not
  // overwritten by a bare "cancelled"); only a run that does not reach a checkpoint within 2 s gets it
  // written from here before the process ends. The point's cache file is never half-written.
  process.once("SIGTERM", () => {
    cancelled = true;
    const why = `task ${index} (job ${process.env.SLURM_ARRAY_JOB_ID ?? "?"}) was cancelled (SIGTERM: scancel, time limit or preemption)`;
    controller.abort(new Error(why));
    setTimeout(() => {
      if (!finished) void writeError(file, `${new Date().toISOString()} ${why}`).finally(() => process.exit(143));
    }, 2000).unref();
  });
  const outcome = await runPointTask(task, controller.signal);
  finished = true;
  process.stderr.write(`sweep-point: ${outcome.ok ? `done ${new Date().toISOString()} in ${(outcome.durationMs / 1000).toFixed(1)} s${outcome.cached ? " (cached)" : ""}` : `failed: ${outcome.error}`}\n`);
  return outcome.ok ? 0 : cancelled ? 143 : 1;
}
