/**
 * `lowrank-lab run`. The output folder is checked before the experiments and the compute
 * libraries load (a second or more), so a bad --out is refused at once; everything else is
 * checked next, still before anything is created on disk.
 */
import { join } from "node:path";
import { UsageError } from "../compute/usageError.js";
import { parse, parseSets } from "./args.js";
import { checkOutDir } from "./outDir.js";
import { withStdoutForJSON } from "./stdout.js";

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse("run", argv, {
    preset: { type: "string", default: "paper" },
    set: { type: "string", multiple: true },
    seed: { type: "string", default: "0" },
    out: { type: "string" },
    json: { type: "boolean" },
  }, true);
  // The folder first: checking it takes a stat, while the modules below take a second to load.
  const out = positionals.length === 1 ? checkOutDir(values.out ?? join("lowrank-out", positionals[0])) : undefined;
  const [{ experiments }, { resolvePlan }, { runPlan }, { recordJSON, claimsSummary }, { announce, announceEstimate }, { writeRunOutputs }, { stderrProgress }] = await Promise.all([
    import("../experiments/registry.js"), import("../run/plan.js"), import("../run/runner.js"), import("../report/index.js"),
    import("./experimentCommands.js"), import("./outputs.js"), import("./progress.js"),
  ]);
  if (out === undefined) {
    throw new UsageError(`run takes one experiment name${positionals.length ? `, got ${positionals.join(" ")}` : ""}; available: ${experiments.map((e) => e.name).join(", ")}`);
  }
  // Every input, cross-field constraints included, is checked before anything is created on disk.
  const plan = resolvePlan(positionals[0], { preset: values.preset, params: parseSets(values.set), seed: values.seed });
  const name = plan.experiment.name;
  announce(plan);
  await withStdoutForJSON(!!values.json, () => announceEstimate(plan));
  const progress = stderrProgress(name);
  const record = await withStdoutForJSON(!!values.json, () => runPlan(plan, { progress }));
  progress.end();
  const files = writeRunOutputs(record, plan, out);
  if (values.json) {
    process.stdout.write(JSON.stringify(recordJSON(record, files)) + "\n");
  } else {
    process.stdout.write(`${name}: ${claimsSummary(record.claims)} (${(record.durationMs / 1000).toFixed(1)} s on ${record.backend}); files in ${out}\n`);
    for (const c of record.claims) process.stdout.write(`  ${c.holds ? "✓" : "✗"} ${c.kind === "sanity" ? "(sanity) " : ""}${c.id}: ${c.evidence}\n${c.paper ? `      paper: ${c.paper}\n` : ""}`);
  }
  return 0;
}

