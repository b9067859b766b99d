/**
 * The commands that work on the registered experiments: list, reproduce and doctor, and the
 * announcements a run makes on stderr before it starts. Loaded only when one of them runs (it
 * loads every experiment and the compute backend's libraries).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { device } from "../compute/backend.js";
import { describeAdapter } from "../compute/webgpu.js";
import { packageVersion } from "../compute/packageInfo.js";
import { experiments, getExperiment } from "../experiments/registry.js";
import { describeParams } from "../experiments/schema.js";
import { claimsSummary, failedClaims, recordJSON, reportHTML, type RunRecord } from "../report/index.js";
import { describeOverrides, resolvePlan, type Plan } from "../run/plan.js";
import { estimateRun } from "../run/estimate.js";
import { planKey, readPoint } from "../run/cache.js";
import { recordFromCache, runPlan } from "../run/runner.js";
import { runPool } from "../sweep/pool.js";
import type { PointTask } from "../sweep/point.js";
import { parse, positiveInt } from "./args.js";
import { checkOutDir, makeOutDir } from "./outDir.js";
import { writeAtomic, writeRunOutputs } from "./outputs.js";
import { stderrProgress, stderrProgressGroup } from "./progress.js";

/**
 * Before a run starts, one line on stderr saying about how long it will take here, when the
 * experiment counts its work (`cost`); nothing otherwise.
 */
export async function announceEstimate(plan: Plan): Promise<void> {
  const estimate = await estimateRun(plan);
  if (estimate) process.stderr.write(`${estimate.line}\n`);
}

/** Prints each override to stderr as it is applied, so a log says what differs from the preset. */
export function announce(plan: Plan): void {
  for (const line of describeOverrides(plan)) process.stderr.write(`${plan.experiment.name}: ${line}\n`);
}

export function listCommand(argv: string[]): number {
  const { values } = parse("list", argv, { json: { type: "boolean" } });
  const rows = experiments.map((e) => ({ name: e.name, title: e.title, papers: e.papers, params: describeParams(e.params), presets: e.presets }));
  if (values.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
  } else {
    for (const e of rows) {
      process.stdout.write(`${e.name.padEnd(22)}${e.title}\n${" ".repeat(22)}presets: ${Object.keys(e.presets).join(", ")}; params: ${e.params.map((p) => p.name).join(", ")}\n`);
    }
  }
  return 0;
}

/** One experiment's run in `reproduce`: what the report and summary.json are made of. */
interface ReproducedRun {
  record: RunRecord;
  title: string;
  files: string[];
}

/** Writes one finished run's outputs under `out/NAME` and says on stderr how it went. */
function finish(record: RunRecord, plan: Plan, out: string): ReproducedRun {
  const name = plan.experiment.name;
  const files = writeRunOutputs(record, plan, join(out, name));
  process.stderr.write(`${name}: ${claimsSummary(record.claims)} (${(record.durationMs / 1000).toFixed(1)} s)\n`);
  return { record, title: plan.experiment.title, files };
}

/** `--jobs 1`: one experiment after another in this process, each with its estimate and progress line. */
async function reproduceInProcess(plans: Plan[], out: string): Promise<ReproducedRun[]> {
  const runs: ReproducedRun[] = [];
  for (const plan of plans) {
    await announceEstimate(plan);
    const progress = stderrProgress(plan.experiment.name);
    const record = await runPlan(plan, { progress });
    progress.end();
    runs.push(finish(record, plan, out));
  }
  return runs;
}

/**
 * `--jobs N > 1`: the experiments run in N worker processes (the sweep's pool), longest first by
 * their estimates, so that the single-threaded kernels of several experiments use every core.
 * Each worker writes its result to a private cache folder; the record is read back from there
 * (a cached point re-renders exactly as the fresh run) and written out here as each one ends.
 * Experiments without a cost model have no estimate and queue after those with one.
 */
async function reproduceInPool(plans: Plan[], out: string, jobs: number): Promise<{ runs: ReproducedRun[]; failed: string[]; interrupted: boolean }> {
  const estimates = await Promise.all(plans.map(estimateRun));
  const order = plans.map((_, i) => i).sort((a, b) => (estimates[b]?.seconds ?? -1) - (estimates[a]?.seconds ?? -1));
  const cacheDir = mkdtempSync(join(tmpdir(), "lowrank-reproduce-"));
  const progress = stderrProgressGroup();
  const finished = new Map<number, ReproducedRun>();
  const failed: string[] = [];
  const pending: Promise<void>[] = [];
  // Ctrl-C: the workers are stopped, the temporary cache removed, and what finished stays written.
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort();
  process.once("SIGINT", onInterrupt);
  try {
    const tasks: PointTask[] = order.map((i) => ({ experiment: plans[i].experiment.name, preset: plans[i].preset, params: plans[i].overrides, seed: plans[i].seed, cacheDir }));
    process.stderr.write(`reproduce: ${plans.length} experiments in ${Math.min(jobs, plans.length)} worker processes, longest first: ${order.map((i) => plans[i].experiment.name).join(", ")}\n`);
    for (const i of order) if (estimates[i]) process.stderr.write(`${estimates[i]!.line}\n`);
    await runPool(tasks, {
      jobs,
      signal: interrupt.signal,
      onProgress: (k, done, total, label) => progress.update(tasks[k].experiment, done, total, label),
      onDone: (k, outcome) => {
        const i = order[k], name = plans[i].experiment.name;
        progress.end(name);
        if (interrupt.signal.aborted) return;
        if (!outcome.ok) {
          failed.push(name);
          process.stderr.write(`${name}: failed: ${outcome.error}\n`);
          return;
        }
        // Read back from the worker's cache, never recomputed here: computed in this reproduce, so
        // not `cached` for the report.
        pending.push(readPoint(cacheDir, planKey(plans[i]))
          .then((point) => {
            if (!point) throw new Error("its worker finished but left no result");
            finished.set(i, finish({ ...recordFromCache(plans[i], point), cached: false }, plans[i], out));
          })
          .catch((e: unknown) => {
            failed.push(name);
            process.stderr.write(`${name}: failed while writing its outputs: ${e instanceof Error ? e.message : String(e)}\n`);
          }));
      },
    });
    await Promise.all(pending);
  } finally {
    process.off("SIGINT", onInterrupt);
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const runs = plans.map((_, i) => finished.get(i)).filter((r): r is ReproducedRun => r !== undefined);
  return { runs, failed, interrupted: interrupt.signal.aborted };
}

export async function reproduceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse("reproduce", argv, {
    out: { type: "string", default: "lowrank-out" },
    preset: { type: "string", default: "paper" },
    jobs: { type: "string" },
    strict: { type: "boolean" },
  }, true);
  const chosen = positionals.length ? positionals.map(getExperiment) : [...experiments];
  const plans = chosen.map((experiment) => resolvePlan(experiment, { preset: values.preset }));
  const jobs = Math.min(plans.length, values.jobs === undefined ? availableParallelism() : positiveInt(values.jobs, "reproduce", "--jobs"));
  const out = checkOutDir(values.out);
  const { runs, failed: crashed, interrupted } = jobs > 1 ? await reproduceInPool(plans, out, jobs) : { runs: await reproduceInProcess(plans, out), failed: [], interrupted: false };
  if (interrupted) {
    const done = runs.map((r) => r.record.experiment);
    process.stderr.write(`reproduce: interrupted; ${done.length ? `the outputs of ${done.join(", ")} are in ${resolve(out)}` : "nothing finished"}; no report written\n`);
    return 130;
  }
  makeOutDir(out);
  const summary = { version: packageVersion, createdAt: new Date().toISOString(), runs: runs.map(({ record, files }) => recordJSON(record, files)) };
  writeAtomic(join(out, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  writeAtomic(join(out, "report.html"), reportHTML(runs, summary));
  const failed = runs.flatMap(({ record }) => failedClaims(record.claims).map((c) => `${record.experiment}/${c.id}`));
  process.stdout.write(`wrote ${resolve(out, "report.html")} and summary.json; ${failed.length === 0 ? "every claim holds" : `claims that do not hold: ${failed.join(", ")}`}\n`);
  if (crashed.length > 0) {
    process.stderr.write(`reproduce: ${crashed.join(", ")} did not finish (see above); the report holds the others\n`);
    return 1;
  }
  return values.strict && failed.length > 0 ? 1 : 0;
}

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parse("doctor", argv, { json: { type: "boolean" } });
  const info = await device();
  if (values.json) {
    process.stdout.write(JSON.stringify({ version: packageVersion, node: process.version, ...info }, null, 2) + "\n");
    return 0;
  }
  process.stdout.write(`lowrank-lab ${packageVersion} on Node ${process.version}, tfjs ${info.tfjsVersion}\n`);
  process.stdout.write(`backend: ${info.backend} (chosen by ${info.chosenBy})\n`);
  if (info.adapter) process.stdout.write(`adapter: ${describeAdapter(info.adapter)}\n`);
  if (info.wasmThreads) {
    const { threads, fellBack } = info.wasmThreads;
    process.stdout.write(`wasm threads: ${threads}${fellBack ? ` (the threaded build did not load: ${fellBack})` : threads === 1 ? " (LOWRANK_THREADS=N above 1 runs N)" : ""}\n`);
  }
  for (const a of info.attempts) process.stdout.write(`  ${a.loaded ? "✓" : "✗"} ${a.name.padEnd(15)} ${a.package}${a.reason ? `: ${a.reason}` : ""}\n`);
  return 0;
}
