/**
 * The commands that work on the registered experiments: list, reproduce and doctor, and the
 * announcements a run makes on stderr before it starts. Loaded only when one of them runs (it
 * loads every experiment and the compute backend's libraries).
 */
import { join, resolve } from "node:path";
import { device } from "../compute/backend.js";
import { describeAdapter } from "../compute/webgpu.js";
import { packageVersion } from "../compute/packageInfo.js";
import { experiments, getExperiment } from "../experiments/registry.js";
import { describeParams } from "../experiments/schema.js";
import { claimsSummary, failedClaims, recordJSON, reportHTML, type RunRecord } from "../report/index.js";
import { describeOverrides, resolvePlan, type Plan } from "../run/plan.js";
import { estimateRun } from "../run/estimate.js";
import { runPlan } from "../run/runner.js";
import { parse } from "./args.js";
import { checkOutDir, makeOutDir } from "./outDir.js";
import { writeAtomic, writeRunOutputs } from "./outputs.js";
import { stderrProgress } from "./progress.js";

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

export async function reproduceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse("reproduce", argv, {
    out: { type: "string", default: "lowrank-out" },
    preset: { type: "string", default: "paper" },
    strict: { type: "boolean" },
  }, true);
  const chosen = positionals.length ? positionals.map(getExperiment) : [...experiments];
  const plans = chosen.map((experiment) => resolvePlan(experiment, { preset: values.preset }));
  const out = checkOutDir(values.out);
  const runs: Array<{ record: RunRecord; title: string; files: string[] }> = [];
  for (const plan of plans) {
    const name = plan.experiment.name;
    await announceEstimate(plan);
    const progress = stderrProgress(name);
    const record = await runPlan(plan, { progress });
    progress.end();
    const files = writeRunOutputs(record, plan, join(out, name));
    runs.push({ record, title: plan.experiment.title, files });
    process.stderr.write(`${name}: ${claimsSummary(record.claims)} (${(record.durationMs / 1000).toFixed(1)} s)\n`);
  }
  makeOutDir(out);
  const summary = { version: packageVersion, createdAt: new Date().toISOString(), runs: runs.map(({ record, files }) => recordJSON(record, files)) };
  writeAtomic(join(out, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  writeAtomic(join(out, "report.html"), reportHTML(runs, summary));
  const failed = runs.flatMap(({ record }) => failedClaims(record.claims).map((c) => `${record.experiment}/${c.id}`));
  process.stdout.write(`wrote ${resolve(out, "report.html")} and summary.json; ${failed.length === 0 ? "every claim holds" : `claims that do not hold: ${failed.join(", ")}`}\n`);
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
  for (const a of info.attempts) process.stdout.write(`  ${a.loaded ? "✓" : "✗"} ${a.name.padEnd(15)} ${a.package}${a.reason ? `: ${a.reason}` : ""}\n`);
  return 0;
}
