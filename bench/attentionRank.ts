/**
 * attention-rank heads (lab.attention, Float64) against PyTorch doing the same float64 work
 * (bench/attention_rank_torch.py), at N = 1024 … 4096 tokens with d = dv = 64: softmax attention
 * grows as N², linear attention and RALA as N. Each row names the growth from the smallest N.
 * Both sides run on one thread and are timed in CPU time (the machine may be shared); each time
 * is the best of a few repeats. Without torch the PyTorch column stays empty.
 * Run directly: `npx tsx bench/attentionRank.ts`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rng } from "../src/compute/rng.js";
import { attend, attentionKinds, gridFor, randomHeadWeights } from "../src/experiments/attention-rank/attention.js";
import { randomTokens } from "../src/experiments/attention-rank/tokens.js";

export interface BenchRow {
  name: string;
  oursMs: number;
  numpyMs?: number;
  ratio?: number;
}

const D = 64, d = 64, dv = 64;

function torchTimes(Ns: number[], repeats: number): Record<string, number> | undefined {
  const script = ["./attention_rank_torch.py", "../../bench/attention_rank_torch.py"].map((p) => fileURLToPath(new URL(p, import.meta.url))).find((p) => existsSync(p));
  if (!script) return undefined;
  const single = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const res = spawnSync("python3", [script, JSON.stringify({ N: Ns, D, d, dv, kinds: attentionKinds, repeats })], {
    encoding: "utf8", env: { ...process.env, ...single }, maxBuffer: 1 << 20,
  });
  if (res.error || res.status !== 0) {
    process.stderr.write(`attention-rank bench: PyTorch run skipped (${res.error?.message ?? res.stderr.trim().split("\n").pop()})\n`);
    return undefined;
  }
  const lines = res.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Record<string, number>;
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
