/**
 * The one bundle `prepare.sh` builds for a GPU machine without Node: `node bundle.mjs slice NAME
 * [--set key=value]...` runs one plan of an experiment's `full` preset (with the overrides that cut
 * it to a slice), timed, and prints one JSON line: backend, adapter, seconds, the cost model's
 * counts and metrics. Any other arguments go to the lowrank-lab CLI (`doctor`, `run`, ...).
 */
import { device } from "../../src/compute/backend.js";
import { describeAdapter } from "../../src/compute/webgpu.js";
import { resolvePlan } from "../../src/run/plan.js";
import { estimateRun } from "../../src/run/estimate.js";
import { runPlan } from "../../src/run/runner.js";
import { parseSets } from "../../src/cli/args.js";

async function slice(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const sets: string[] = [];
  for (let i = 0; i < rest.length; i++) if (rest[i] === "--set") sets.push(rest[++i]);
  const plan = resolvePlan(name, { preset: "full", params: parseSets(sets) });
  const info = await device();
  const estimate = await estimateRun(plan);
  if (estimate) process.stderr.write(`${estimate.line}\n`);
  const record = await runPlan(plan);
  process.stdout.write(JSON.stringify({
    experiment: name, sets, backend: record.backend,
    adapter: info.adapter ? describeAdapter(info.adapter) : undefined,
    seconds: record.durationMs / 1000,
    estimateSeconds: estimate?.seconds, cost: estimate?.cost, rates: estimate?.rates,
    metrics: record.metrics,
    claims: record.claims.map((c) => ({ id: c.id, holds: c.holds })),
  }) + "\n");
}

if (process.argv[2] === "slice") {
  slice(process.argv.slice(3)).catch((e: unknown) => {
    process.stderr.write(`slice: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
} else {
  void import("../../src/cli/main.js");
}
