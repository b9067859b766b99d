/**
 * attention-rank heads (lab.attention, Float64) against PyTorch doing the same float64 work
 * (bench/attention_rank_torch.py), at N = 1024 and 4096 tokens with d = dv = 64: softmax attention
 * grows as N², linear attention and RALA as N. Each row names the growth from the smallest N.
 * PyTorch runs twice: as installed (all its threads, `ratio`) and on one thread
 * (`ratioOneThread`, code against code). Both sides make one untimed call of each head first;
 * each time is the best of a few repeats (`bestOf`, bench/timing.py), the sides taking turns, in
 * wall time, with CPU time beside it (steadier on a shared machine). Without torch the PyTorch
 * columns stay empty.
 * Run directly: `npx tsx bench/attentionRank.ts`.
 */
import { pathToFileURL } from "node:url";
import { rng } from "../src/compute/rng.js";
import { attend, attentionKinds, gridFor, randomHeadWeights } from "../src/experiments/attention-rank/attention.js";
import { randomTokens } from "../src/experiments/attention-rank/tokens.js";
import { runReference, takeTurns } from "./python.js";
import { benchRow, bestOf, fasterOf, type BenchRow, type Timing } from "./row.js";

const D = 64, d = 64, dv = 64;

type Times = Record<string, Timing>;

/** `fasterOf` key by key. */
function fasterOfEach(a: Times | undefined, b: Times): Times {
  return Object.fromEntries(Object.entries(b).map(([key, t]) => [key, fasterOf(a?.[key], t)]));
}

export async function benchAttentionRank(Ns = [1024, 4096], repeats = 3): Promise<BenchRow[]> {
  const r = rng(0);
  // One untimed call of each head first, as the reference does: V8 compiles the hot loops on
  // their first runs, and linalg's worker threads start on the first large product.
  const X0 = randomTokens(Ns[0], D, r), W0 = randomHeadWeights(D, d, dv, r);
  for (const kind of attentionKinds) attend(kind, X0, W0, gridFor(Ns[0]));
  const inputs = Ns.map((N) => ({ N, X: randomTokens(N, D, r), W: randomHeadWeights(D, d, dv, r) }));
  // Every head at every N, then PyTorch's (as installed, then on one thread), in turns.
  const round = async () => {
    const times: Times = {};
    for (const { N, X, W } of inputs) for (const kind of attentionKinds) times[`${kind}/${N}`] = await bestOf(1, () => attend(kind, X, W, gridFor(N)));
    return times;
  };
  const torchRound = () => runReference<Times>("attention-rank bench", "attention_rank_torch.py", { N: Ns, D, d, dv, kinds: attentionKinds, repeats: 1 });
  const { ours, ...torch } = await takeTurns(repeats, round, torchRound, fasterOfEach, fasterOfEach);
  const rows: BenchRow[] = [];
  const [first, last] = [Ns[0], Ns[Ns.length - 1]];
  for (const kind of attentionKinds) {
    for (const N of Ns) {
      const key = `${kind}/${N}`;
      const growth = N === first ? "" : ` ×${(ours[key].ms / ours[`${kind}/${first}`].ms).toFixed(1)} vs N=${first}`;
      const name = `attention ${kind} N=${N} d=${d} (vs torch${growth})`;
      if (N !== last && N !== first) continue;
      rows.push(benchRow(name, ours[key], torch.installed?.[key], torch.oneThread?.[key]));
    }
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(await benchAttentionRank(), null, 2) + "\n");
}
