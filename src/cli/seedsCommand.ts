/**
 * `lowrank-lab seeds NAME [--preset quick] [--from 1000] [--count 20] [--set k=v]... [--json]`:
 * runs one preset on a block of consecutive seeds and counts, claim by claim, on how many it
 * holds. A verdict worth trusting holds on seeds nobody chose; this is how the READMEs' seed
 * counts are measured (`npm run seeds -- NAME --from 1000 --count 20`).
 */
import { UsageError } from "../compute/usageError.js";
import { isSanity } from "../report/claims.js";
import { resolvePlan } from "../run/plan.js";
import { runPlan } from "../run/runner.js";
import { parse, parseSets } from "./args.js";

interface ClaimCount {
  id: string;
  kind: "claim" | "sanity";
  held: number;
  runs: number;
  /** Seeds on which it did not hold. */
  failedSeeds: number[];
}

function count(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`seeds: --${name} ${value} is not allowed; allowed: an integer >= ${min}`);
  return n;
}

export async function seedsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse("seeds", argv, {
    preset: { type: "string", default: "quick" },
    from: { type: "string", default: "1000" },
    count: { type: "string", default: "20" },
    set: { type: "string", multiple: true },
    json: { type: "boolean" },
  }, true);
  if (positionals.length !== 1) throw new UsageError("seeds takes one experiment name, e.g. lowrank-lab seeds matrix-sensing --from 1000 --count 20");
  const from = count(values.from, "from", 0);
  const n = count(values.count, "count", 1);
  const params = parseSets(values.set);
  // Every seed's plan first, so a bad input fails before the first run.
  const plans = Array.from({ length: n }, (_, i) => resolvePlan(positionals[0], { preset: values.preset, params, seed: from + i }));
  const counts = new Map<string, ClaimCount>();
  const start = performance.now();
  for (const [i, plan] of plans.entries()) {
    const record = await runPlan(plan);
    for (const c of record.claims) {
      const entry = counts.get(c.id) ?? { id: c.id, kind: isSanity(c) ? "sanity" : "claim", held: 0, runs: 0, failedSeeds: [] };
      entry.runs++;
      if (c.holds) entry.held++;
      else entry.failedSeeds.push(plan.seed);
      counts.set(c.id, entry);
    }
    process.stderr.write(`${plan.experiment.name}: seed ${plan.seed} (${i + 1}/${n}) ${record.claims.filter((c) => c.holds).length}/${record.claims.length} hold\n`);
  }
  const rows = [...counts.values()];
  const summary = { experiment: plans[0].experiment.name, preset: values.preset, seeds: { from, count: n }, elapsedMs: Math.round(performance.now() - start), claims: rows };
  if (values.json) {
    process.stdout.write(JSON.stringify(summary) + "\n");
  } else {
    process.stdout.write(`${summary.experiment} (${values.preset}), seeds ${from}–${from + n - 1}:\n`);
    for (const r of rows) {
      const failed = r.failedSeeds.length ? `  fails on ${r.failedSeeds.join(", ")}` : "";
      process.stdout.write(`  ${`${r.held}/${r.runs}`.padStart(7)}  ${r.kind === "sanity" ? "(sanity) " : ""}${r.id}${failed}\n`);
    }
  }
  return 0;
}
