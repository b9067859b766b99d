/**
 * tfjs's WebAssembly backend on 1 thread against 2 (or LOWRANK_THREADS counts given with
 * `--threads 1,2`), each count in a process of its own, the counts alternating for `--rounds`
 * rounds so that a machine's changing load falls on both alike. Times, per count, the median over
 * rounds of: a 1024² float32 matMul, a plain FC 784-200-200-10 Adam step (batch 128) and
 * intrinsic-dimension's Fastfood d = 750 subspace step (as bench/intrinsicDimension.ts runs it),
 * in wall and in CPU ms (CPU of the whole process, every thread). Also prints the largest
 * difference between the counts' results. Run: `node dist/bench/tfjsThreads.js [--rounds 5]`.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { initBackend, tf } from "../src/compute/backend.js";
import { rng } from "../src/compute/rng.js";
import { loadMnist, take } from "../src/experiments/intrinsic-dimension/data.js";
import { fcNet, initTheta } from "../src/experiments/intrinsic-dimension/model.js";
import { projection } from "../src/experiments/intrinsic-dimension/projection.js";
import { trainSubspaces } from "../src/experiments/intrinsic-dimension/train.js";

interface Timing {
  ms: number;
  cpuMs: number;
}

interface ChildResult {
  threads: number;
  matMul: Timing;
  fcStep: Timing;
  fastfoodStep: Timing;
  /** Entries of the matMul's product and the FC net's loss after its steps, to compare counts. */
  product: number[];
  fcLoss: number;
}

function time(f: () => void, reps: number): Timing {
  const wall = performance.now(), cpu = process.cpuUsage();
  for (let i = 0; i < reps; i++) f();
  const used = process.cpuUsage(cpu);
  return { ms: (performance.now() - wall) / reps, cpuMs: (used.user + used.system) / 1000 / reps };
}

function matMul(): { t: Timing; product: number[] } {
  const a = tf.randomUniform([1024, 1024], -1, 1, "float32", 1), b = tf.randomUniform([1024, 1024], -1, 1, "float32", 2);
  const product = () => {
    const c = tf.matMul(a, b);
    const C = c.dataSync(); // not inside tf.tidy, which would walk the returned array entry by entry
    c.dispose();
    return C;
  };
  product(); // warm-up
  const t = time(product, 10);
  const C = product();
  tf.dispose([a, b]);
  return { t, product: Array.from(C.subarray(0, 64)) };
}

/** A plain FC 784-200-200-10 ReLU net with Adam on random data: the dense products dominate. */
function fcStep(): { t: Timing; loss: number } {
  const r = rng(3);
  const shapes = [[784, 200], [200, 200], [200, 10]];
  const W = shapes.map(([i, o]) => tf.variable(tf.tensor2d(Float32Array.from({ length: i * o }, () => r.normal() / Math.sqrt(i)), [i, o])));
  const x = tf.tensor2d(Float32Array.from({ length: 128 * 784 }, () => r.normal()), [128, 784]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: 128 }, () => Math.floor(r.uniform() * 10)), "int32"), 10);
  const opt = tf.train.adam(1e-3);
  const loss = () => tf.losses.softmaxCrossEntropy(y, W.reduce<tf.Tensor2D>((h, w, i) => (i < W.length - 1 ? tf.relu(h.matMul(w)) : h.matMul(w)) as tf.Tensor2D, x)) as tf.Scalar;
  const step = () => tf.tidy(() => void opt.minimize(loss, true)!.dataSync());
  for (let i = 0; i < 3; i++) step();
  const t = time(step, 20);
  const final = tf.tidy(() => loss().dataSync()[0]);
  tf.dispose([...W, x, y]);
  opt.dispose();
  return { t, loss: final };
}

async function fastfoodStep(steps = 10, warmup = 3): Promise<Timing> {
  const net = fcNet(200, 2);
  const { train, val } = loadMnist();
  const theta0 = initTheta(net, rng(0));
  const P = projection("fastfood", net.D, 750, rng(1));
  let wall = 0, end = 0, cpu = process.cpuUsage(), used = cpu;
  const checkpoint = async (t: number) => {
    if (t === warmup) [wall, cpu] = [performance.now(), process.cpuUsage()];
    if (t === warmup + steps) [end, used] = [performance.now(), process.cpuUsage(cpu)];
  };
  await trainSubspaces(net, [P], theta0, train, take(val, 10), { steps: warmup + steps, batch: 128, lr: 1e-3, l2: 1e-5, checkpoint }, rng(2));
  return { ms: (end - wall) / steps, cpuMs: (used.user + used.system) / 1000 / steps };
}

async function child(): Promise<ChildResult> {
  const info = await initBackend();
  if (info.backend !== "wasm") throw new Error(`expected the wasm backend, got ${info.backend}`);
  const m = matMul(), fc = fcStep();
  return { threads: info.wasmThreads?.threads ?? 1, matMul: m.t, fcStep: fc.t, fastfoodStep: await fastfoodStep(), product: m.product, fcLoss: fc.loss };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

function parent(counts: number[], rounds: number): void {
  const results = new Map<number, ChildResult[]>(counts.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of r % 2 ? [...counts].reverse() : counts) {
      const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child"], {
        encoding: "utf8",
        env: { ...process.env, LOWRANK_BACKEND: "wasm", LOWRANK_THREADS: String(c) },
      });
      if (p.status !== 0) throw new Error(`LOWRANK_THREADS=${c}: ${p.stderr}`);
      results.get(c)!.push(JSON.parse(p.stdout.trim().split("\n").at(-1)!) as ChildResult);
    }
  }
  const keys = ["matMul", "fcStep", "fastfoodStep"] as const;
  for (const c of counts) {
    const rs = results.get(c)!;
    const cells = keys.map((k) => `${k} ${median(rs.map((x) => x[k].ms)).toFixed(1)} ms wall, ${median(rs.map((x) => x[k].cpuMs)).toFixed(1)} ms CPU`);
    process.stdout.write(`threads ${c} (got ${rs[0].threads}): ${cells.join("; ")}\n`);
  }
  const [a, ...others] = counts.map((c) => results.get(c)![0]);
  for (const b of others) {
    const dp = Math.max(...a.product.map((v, i) => Math.abs(v - b.product[i])));
    process.stdout.write(`threads ${a.threads} vs ${b.threads}: product max |diff| ${dp}, FC loss ${a.fcLoss} vs ${b.fcLoss}\n`);
  }
  process.stdout.write(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  if (argv.includes("--child")) process.stdout.write(JSON.stringify(await child()) + "\n");
  else {
    const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
    parent(opt("--threads", "1,2").split(",").map(Number), Number(opt("--rounds", "5")));
  }
}
