/**
 * The Slurm executor: ONE job array over the points not cached yet. The submitting process
 * writes `<cache>/<experiment>/slurm/<stamp>/tasks.json` (one PointTask per array index) and
 * `job.sbatch` beside it, and submits it with `sbatch --parsable --array=0-(M-1)%K`. Each
 * array task runs `lowrank-lab sweep-point tasks.json` for `$SLURM_ARRAY_TASK_ID` against the
 * shared cache folder, which must be on a filesystem every node sees. Progress comes from
 * `squeue` (which works with accounting off) and from the cache itself: a point is done when
 * its file exists, failed when its `.error.txt` does. Other schedulers would implement the
 * same three steps (write tasks, submit, poll); none is built.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../../compute/usageError.js";
import type { PointTask } from "../point.js";

export interface SlurmOptions {
  partition?: string;
  /** HH:MM:SS (or anything sbatch's --time takes) per task. */
  time?: string;
  /** At most this many tasks at once (`%K`); default all. */
  maxParallel?: number;
  /** Extra sbatch arguments, passed as given. */
  sbatchArgs?: string[];
}

const mainPath = fileURLToPath(new URL("../../cli/main.js", import.meta.url));

/** Filesystems that only this machine sees (statfs magic numbers): a cache there is invisible to other nodes. */
const LOCAL_ONLY: Record<number, string> = { 0x01021994: "tmpfs", 0x858458f6: "ramfs" };

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** How an option is named in messages: `--max-parallel 0` on the command line, `sweep: maxParallel 0` in a notebook. */
const NOTEBOOK_NAMES: Record<string, string> = { "--executor": "sweep: executor", "--time": "sweep: time", "--max-parallel": "sweep: maxParallel" };

/**
 * Checks before anything is written: the Slurm commands are on PATH and the options make sense.
 * Returns warnings. `face` names the options as the command line (default) or `lab.sweep` spells them.
 */
export function checkSlurm(options: SlurmOptions, cacheDir: string, face: "cli" | "notebook" = "cli"): string[] {
  const name = (flag: string) => (face === "cli" ? flag : NOTEBOOK_NAMES[flag]);
  for (const cmd of ["sbatch", "squeue", "scancel"]) {
    if (!have(cmd)) throw new UsageError(`${name("--executor")} slurm needs ${cmd} on PATH (not found); allowed executors here: local`);
  }
  if (options.time !== undefined && (typeof options.time !== "string" || !/^(\d+-)?\d{1,2}(:\d{2}){0,2}$/.test(options.time))) throw new UsageError(`${name("--time")} ${options.time} is not allowed; allowed: [D-]HH:MM:SS, e.g. 01:00:00`);
  if (options.maxParallel !== undefined && (!Number.isInteger(options.maxParallel) || options.maxParallel < 1)) throw new UsageError(`${name("--max-parallel")} ${options.maxParallel} is not allowed; allowed: an integer >= 1`);
  if (options.sbatchArgs !== undefined && (!Array.isArray(options.sbatchArgs) || options.sbatchArgs.some((a) => typeof a !== "string"))) throw new UsageError(`sweep: sbatchArgs ${JSON.stringify(options.sbatchArgs)} is not allowed; allowed: an array of strings, e.g. ["--account=myproj"]`);
  const warnings: string[] = [];
  let probe = cacheDir;
  for (;;) {
    try {
      const kind = LOCAL_ONLY[Number(statfsSync(probe).type)];
      if (kind) warnings.push(`the cache folder ${cacheDir} is on ${kind}, which other nodes cannot see; use a shared filesystem (home, scratch) unless the cluster is this one machine`);
      break;
    } catch {
      const parent = join(probe, "..");
      if (parent === probe) break;
      probe = parent;
    }
  }
  return warnings;
}

export interface Submission {
  jobId: string;
  dir: string;
  tasksFile: string;
  script: string;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function submitArray(tasks: PointTask[], experiment: string, cacheDir: string, options: SlurmOptions): Submission {
  const dir = join(cacheDir, experiment, "slurm", `${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const tasksFile = join(dir, "tasks.json");
  writeFileSync(tasksFile, JSON.stringify(tasks));
  const lines = [
    "#!/bin/sh",
    `#SBATCH --job-name=lowrank-${experiment}`,
    `#SBATCH --output=${join(dir, "task-%a.log")}`,
    `#SBATCH --array=0-${tasks.length - 1}${options.maxParallel ? `%${options.maxParallel}` : ""}`,
    "#SBATCH --ntasks=1",
    "#SBATCH --cpus-per-task=1",
    ...(options.partition ? [`#SBATCH --partition=${options.partition}`] : []),
    ...(options.time ? [`#SBATCH --time=${options.time}`] : []),
    `exec ${shellQuote(process.execPath)} ${shellQuote(mainPath)} sweep-point ${shellQuote(tasksFile)} --index "$SLURM_ARRAY_TASK_ID"`,
    "",
  ];
  const script = join(dir, "job.sbatch");
  writeFileSync(script, lines.join("\n"), { mode: 0o755 });
  let out: string;
  try {
    out = execFileSync("sbatch", ["--parsable", ...(options.sbatchArgs ?? []), script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split("\n")[0];
    throw new UsageError(`sbatch refused the job array (${stderr}); check the partition, time limit and extra sbatch arguments`);
  }
  const jobId = out.trim().split(";")[0];
  writeFileSync(join(dir, "job.id"), jobId + "\n");
  return { jobId, dir, tasksFile, script };
}

/**
 * The tasks of earlier submissions of this experiment (folders under `<cache>/<experiment>/slurm/`
 * with a `job.id`) that squeue still lists as pending or running, so that submitting the same sweep
 * again while an array is under way does not queue its points a second time. One squeue call, by
 * the arrays' job name; when squeue gives no answer, nothing is taken to be in flight.
 */
export function inFlight(cacheDir: string, experiment: string): Array<{ jobId: string; task: PointTask }> {
  const root = join(cacheDir, experiment, "slurm");
  const byJob = new Map<string, string>();
  try {
    for (const d of readdirSync(root)) {
      try {
        byJob.set(readFileSync(join(root, d, "job.id"), "utf8").trim(), join(root, d, "tasks.json"));
      } catch {
        // a folder whose sbatch failed has no job.id
      }
    }
  } catch {
    return [];
  }
  if (byJob.size === 0) return [];
  const r = spawnSync("squeue", ["-h", "-r", "-n", `lowrank-${experiment}`, "-o", "%F %K"], { encoding: "utf8" });
  if (r.status !== 0) return [];
  const out: Array<{ jobId: string; task: PointTask }> = [];
  const read = new Map<string, PointTask[]>();
  for (const line of r.stdout.split("\n")) {
    const [jobId, index] = line.trim().split(/\s+/);
    const file = byJob.get(jobId);
    if (!file) continue;
    if (!read.has(file)) {
      try {
        read.set(file, JSON.parse(readFileSync(file, "utf8")) as PointTask[]);
      } catch {
        read.set(file, []);
      }
    }
    const task = read.get(file)![Number(index)];
    if (task) out.push({ jobId, task });
  }
  return out;
}

/** A job array's tasks that squeue still lists. */
export interface ArrayState {
  running: number;
  pending: number;
}

/** States squeue gives a task that has started. */
const STARTED = new Set(["RUNNING", "COMPLETING", "CONFIGURING", "STAGE_OUT", "SIGNALING"]);
/** States of a task that has ended (squeue lists them for a while after the end); any other is waiting: pending, suspended, requeued. */
const ENDED = new Set(["COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY", "SPECIAL_EXIT", "REVOKED"]);

/** The tasks of a job still known to squeue (pending or running); undefined when squeue gave no answer. */
export function arrayState(jobId: string): ArrayState | undefined {
  const r = spawnSync("squeue", ["-h", "-r", "-j", jobId, "-o", "%i %T"], { encoding: "utf8" });
  if (r.status === 0) {
    const state: ArrayState = { running: 0, pending: 0 };
    for (const line of r.stdout.split("\n")) {
      const [, status] = line.trim().split(/\s+/);
      if (status === undefined || ENDED.has(status)) continue;
      if (STARTED.has(status)) state.running++;
      else state.pending++;
    }
    return state;
  }
  // squeue forgets a job soon after it ends, and then says "Invalid job id specified": nothing is live.
  // Any other failure (slurmctld busy, restarting, a timeout) is no answer at all: reading it as "ended"
  // would stop the wait early and record every pending point as failed.
  return /invalid job id/i.test(r.stderr ?? "") ? { running: 0, pending: 0 } : undefined;
}

/** Array tasks of a job still known to squeue (pending or running); undefined when squeue gave no answer. */
export function liveTasks(jobId: string): number | undefined {
  const state = arrayState(jobId);
  return state && state.running + state.pending;
}

/**
 * Polls until none of `jobIds` has a task pending or running. `onPoll` sees each answer (summed over
 * the jobs; undefined when squeue gave none), the last one after squeue has said that every job ended,
 * so what it reads from the cache then is final. An aborted `signal` stops the wait (not the jobs).
 */
export async function waitForArray(jobIds: string | string[], onPoll: (live: ArrayState | undefined) => Promise<void> | void, intervalMs = 1000, signal?: AbortSignal): Promise<void> {
  for (;;) {
    if (signal?.aborted) throw signal.reason ?? new DOMException("wait for the job array aborted", "AbortError");
    const states = [jobIds].flat().map(arrayState);
    let live: ArrayState | undefined = { running: 0, pending: 0 };
    for (const s of states) live = s && live && { running: live.running + s.running, pending: live.pending + s.pending };
    await onPoll(live);
    if (live && live.running + live.pending === 0) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
