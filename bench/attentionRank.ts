/**
 * attention-rank heads (lab.attention, Float64) against PyTorch doing the same float64 work
 * (bench/attention_rank_torch.py), at N = 1024 … 4096 tokens with d = dv = 64: softmax attention
 * grows as N², linear attention and RALA as N. Each row names the growth from the smallest N.
 * Both sides run on one thread and are timed in CPU time (the machine may be shared); each time
 * is the best of a few repeats. Without torch the PyTorch column stays empty.
 * Run directly: `npx tsx bench/attentionRank.ts`.
 */
import { pathToFileURL } from "node:url";
import { rng } from "../src/compute/rng.js";
import { attend, attentionKinds, gridFor, randomHeadWeights } from "../src/experiments/attention-rank/attention.js";
import { randomTokens } from "../src/experiments/attention-rank/tokens.js";
import { runPythonJson } from "./python.js";
import type { BenchRow } from "./row.js";

const D = 64, d = 64, dv = 64;

function torchTimes(Ns: number[], repeats: number): Record<string, number> | undefined {
  return runPythonJson<Record<string, number>>("attention-rank bench", "attention_rank_torch.py", { N: Ns, D, d, dv, kinds: attentionKinds, repeats });
}

function cpuMs(f: () => void, repeats: number): number {
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

export async function benchAttentionRank(Ns = [1024, 2048, 4096], repeats = 2): Promise<BenchRow[]> {
  const r = rng(0);
  const ours: Record<string, number> = {};
  for (const N of Ns) {
    const X = randomTokens(N, D, r), W = randomHeadWeights(D, d, dv, r);
    for (const kind of attentionKinds) ours[`${kind}/${N}`] = cpuMs(() => attend(kind, X, W, gridFor(N)), repeats);
  }
  const torch = torchTimes(Ns, repeats);
  const rows: BenchRow[] = [];
  const [first, last] = [Ns[0], Ns[Ns.length - 1]];
  for (const kind of attentionKinds) {
    for (const N of Ns) {
      const key = `${kind}/${N}`;
      const growth = N === first ? "" : ` ×${(ours[key] / ours[`${kind}/${first}`]).toFixed(1)} vs N=${first}`;
      const name = `attention ${kind} N=${N} d=${d} (vs torch${growth})`;
      if (N !== last && N !== first) continue;
      rows.push(torch?.[key] === undefined ? { name, oursMs: ours[key] } : { name, oursMs: ours[key], numpyMs: torch[key], ratio: ours[key] / torch[key] });
    }
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(await benchAttentionRank(), null, 2) + "\n");
}
