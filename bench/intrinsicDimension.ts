/**
 * intrinsic-dimension subspace training (Li et al. 2018, arXiv:1804.08838, §2) against PyTorch
 * doing the same steps (bench/intrinsic_dimension_torch.py): the FC net 784-200-200-10
 * (D = 199,210), θ = θ₀ + P·θ_d, Adam on θ_d, batch 128, with Fastfood P at d = 750 (the paper's
 * d_int90) and d = 3000, and a dense P at d = 100 (80 MB; a dense P at d = 750 would be 600 MB).
 * Ours is the experiment's own trainSubspaces, timed per step from its checkpoint callback after a
 * few warm-up steps, so the final validation pass is not counted. Each row gives ms per step;
 * torch runs twice, as installed (all its threads, `ratio`) and on one thread (`ratioOneThread`),
 * both in wall time; CPU times beside them (steadier on a shared machine).
 * The d = 3000 row also reports this process's peak resident memory during that run (the issue
 * asks for well under 1 GB). Run directly: `node dist/bench/intrinsicDimension.js`.
 */
import { pathToFileURL } from "node:url";
import { initBackend } from "../src/compute/backend.js";
import { rng } from "../src/compute/rng.js";
import { loadMnist, take } from "../src/experiments/intrinsic-dimension/data.js";
import { fcNet, initTheta } from "../src/experiments/intrinsic-dimension/model.js";
import { projection, type ProjectionKind } from "../src/experiments/intrinsic-dimension/projection.js";
import { trainSubspaces } from "../src/experiments/intrinsic-dimension/train.js";
import { runReference } from "./python.js";
import { benchRow, type BenchRow } from "./row.js";

interface Run {
  kind: ProjectionKind;
  d: number;
}

const batch = 128;

/** Wall and CPU ms per step of our subspace training, and the peak RSS seen while it ran. */
async function oursPerStep(run: Run, steps: number, warmup: number): Promise<{ ms: number; cpuMs: number; peakRss: number }> {
  const net = fcNet(200, 2);
  const { train, val } = loadMnist();
  const theta0 = initTheta(net, rng(0));
  const P = projection(run.kind, net.D, run.d, rng(1));
  let wall = 0, end = 0, peakRss = process.memoryUsage().rss;
  let cpu = process.cpuUsage(), used = cpu;
  const checkpoint = async (t: number) => {
    if (t % 4 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (t === warmup) [wall, cpu] = [performance.now(), process.cpuUsage()];
    if (t === warmup + steps) [end, used] = [performance.now(), process.cpuUsage(cpu)];
  };
  await trainSubspaces(net, [P], theta0, train, take(val, 10), { steps: warmup + steps, batch, lr: 1e-3, l2: 1e-5, checkpoint }, rng(2));
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { ms: (end - wall) / steps, cpuMs: (used.user + used.system) / 1000 / steps, peakRss };
}

export async function benchIntrinsicDimension(steps = 20, warmup = 3): Promise<BenchRow[]> {
  await initBackend();
  // d = 3000 first, so its peak RSS is not inflated by the dense run's 80 MB matrix.
  const runs: Run[] = [{ kind: "fastfood", d: 3000 }, { kind: "fastfood", d: 750 }, { kind: "dense", d: 100 }];
  const ours: Awaited<ReturnType<typeof oursPerStep>>[] = [];
  for (const r of runs) ours.push(await oursPerStep(r, steps, warmup));
  const torch = runReference<Record<string, { ms: number; cpuMs: number }>>("intrinsic-dimension bench", "intrinsic_dimension_torch.py", { runs, steps, warmup, batch, pool: 8000 });
  return runs.map((r, i) => {
    const o = ours[i];
    const mem = r.d === 3000 ? `, peak RSS ${Math.round(o.peakRss / 2 ** 20)} MB` : "";
    const name = `intrinsic-dim FC ${r.kind} d=${r.d} ms/step (vs torch${mem})`;
    const key = `${r.kind}/${r.d}`;
    return benchRow(name, o, torch.installed?.[key], torch.oneThread?.[key]);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(await benchIntrinsicDimension(), null, 2) + "\n");
}
