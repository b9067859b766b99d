/**
 * The commands of `lowrank-lab`, as a table from name to handler (the CLI contract is in
 * docs/architecture.md). Each handler returns the process exit code.
 */
import { join, resolve } from "node:path";
import { device } from "../compute/backend.js";
import { describeAdapter } from "../compute/webgpu.js";
import { packageVersion } from "../compute/packageInfo.js";
import { UsageError } from "../compute/usageError.js";
import { experiments, getExperiment } from "../experiments/registry.js";
import { describeParams } from "../experiments/schema.js";
import { claimsSummary, failedClaims, recordJSON, reportHTML, type RunRecord } from "../report/index.js";
import { describeOverrides, resolvePlan, type Plan } from "../run/plan.js";
import { runPlan } from "../run/runner.js";
import { parse, parseSets } from "./args.js";
import { checkOutDir, makeOutDir, writeAtomic, writeRunOutputs } from "./outputs.js";
import { stderrProgress } from "./progress.js";
import { installKernelCommand } from "./kernel.js";
import { seedsCommand } from "./seedsCommand.js";
import { spectraCommand } from "./spectraCommand.js";
import { sweepCommand, sweepPointCommand } from "./sweepCommand.js";

export const usage = `lowrank-lab ${packageVersion}: reproduce papers about low-rank structure in machine learning

Usage:
  lowrank-lab list [--json]                       the experiments, their params and presets
  lowrank-lab run NAME [--preset P] [--set key=value]... [--seed N] [--out DIR] [--json]
  lowrank-lab reproduce [NAME...] [--out DIR] [--preset P] [--strict]
                                                  every experiment's 'paper' preset (or P), report.html, summary.json;
                                                  --strict exits 1 when a claim does not hold
  lowrank-lab seeds NAME [--preset P] [--from N] [--count N] [--set key=value]... [--json]
                                                  on how many consecutive seeds each claim holds
  lowrank-lab spectra BASE TUNED_OR_ADAPTER [--layers REGEX] [--k N] [--epsilon E] [--json] [--out DIR]
                                                  intruder dimensions of a real fine-tune (safetensors, PEFT adapters)
  lowrank-lab sweep NAME --grid key=v1,v2|a..b|a..b:log:N... [--preset P] [--set key=value]... [--cache DIR]
                  [--out DIR] [--jobs N] [--yes] [--json] [--executor slurm [--partition P] [--time HH:MM:SS]
                  [--max-parallel K] [--sbatch-arg ARG]... [--wait]] [--merge-only]
                                                  a parameter grid on every core or as a Slurm job array
  lowrank-lab doctor [--json]                     which compute backend runs, and why the others do not
  lowrank-lab kernel install [--user | --sys-prefix | --prefix DIR]
                                                  install the Jupyter kernel 'lowrank-lab'
Environment: LOWRANK_BACKEND=tensorflow-gpu|webgpu|tensorflow|wasm|cpu forces a backend;
  LOWRANK_WEBGPU_ADAPTER=software lets webgpu run on a software Vulkan driver (SwiftShader, lavapipe).
`;

/** Prints each override to stderr as it is applied, so a log says what differs from the preset. */
function announce(plan: Plan): void {
  for (const line of describeOverrides(plan)) process.stderr.write(`${plan.experiment.name}: ${line}\n`);
}

function listCommand(argv: string[]): number {
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

/** While --json output is being produced, anything a library logs goes to stderr, so stdout holds one JSON object. */
async function withStdoutForJSON<T>(json: boolean, fn: () => Promise<T>): Promise<T> {
  if (!json) return fn();
  const { log, info } = console;
  console.log = console.info = (...args: unknown[]) => console.error(...args);
  try {
    return await fn();
  } finally {
    console.log = log;
    console.info = info;
  }
}

async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse("run", argv, {
    preset: { type: "string", default: "paper" },
    set: { type: "string", multiple: true },
    seed: { type: "string", default: "0" },
    out: { type: "string" },
    json: { type: "boolean" },
  }, true);
  if (positionals.length !== 1) {
    throw new UsageError(`run takes one experiment name${positionals.length ? `, got ${positionals.join(" ")}` : ""}; available: ${experiments.map((e) => e.name).join(", ")}`);
  }
  // Every input, cross-field constraints included, is checked before anything is created on disk.
  const plan = resolvePlan(positionals[0], { preset: values.preset, params: parseSets(values.set), seed: values.seed });
  const name = plan.experiment.name;
  const out = checkOutDir(values.out ?? join("lowrank-out", name));
  announce(plan);
  const progress = stderrProgress(name);
  const record = await withStdoutForJSON(!!values.json, () => runPlan(plan, { progress }));
  progress.end();
  const files = writeRunOutputs(record, plan, out);
  if (values.json) {
    process.stdout.write(JSON.stringify(recordJSON(record, files)) + "\n");
  } else {
    process.stdout.write(`${name}: ${claimsSummary(record.claims)} (${(record.durationMs / 1000).toFixed(1)} s on ${record.backend}); files in ${out}\n`);
    for (const c of record.claims) process.stdout.write(`  ${c.holds ? "✓" : "✗"} ${c.kind === "sanity" ? "(sanity) " : ""}${c.id}: ${c.evidence}\n`);
  }
  return 0;
}

async function reproduceCommand(argv: string[]): Promise<number> {
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

async function doctorCommand(argv: string[]): Promise<number> {
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

export const commands: Record<string, (argv: string[]) => number | Promise<number>> = {
  list: listCommand,
  run: runCommand,
  reproduce: reproduceCommand,
  seeds: seedsCommand,
  spectra: spectraCommand,
  sweep: sweepCommand,
  "sweep-point": sweepPointCommand,
  doctor: doctorCommand,
  kernel: installKernelCommand,
};
