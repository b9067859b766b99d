/**
 * An estimate of how long a plan will take here, printed before a long run starts: the
 * experiment's own count of its work (`cost`), at rates measured on this machine and backend by
 * three short probes (once per process). Rough by nature; the README gives its measured error.
 */
import { initBackend, tf, type BackendName } from "../compute/backend.js";
import { readTensors } from "../compute/memory.js";
import type { Cost, Experiment } from "../experiments/types.js";
import { _gemm } from "../linalg/gemm.js";
import type { Plan } from "./plan.js";

/** Rates measured on this machine and backend, once per process, for {@link estimateRun}. */
export interface MeasuredRates {
  backend: BackendName;
  /** Flops per second of the largest square tfjs matMul timed (read-back included). */
  tensorFlopsPerSecond: number;
  matMulSize: number;
  /** Seconds per small tfjs op in a chain of them (dispatch cost, read-back shared). */
  secondsPerOp: number;
  /** Flops per second of a Float64 product (linalg's gemm) on the CPU. */
  cpuFlopsPerSecond: number;
}

/**
 * Runs `fn` until `minMs` have passed (at least once, at most `maxReps` times); returns ms per
 * call. Asynchronous because a tfjs probe must read its result back with `data()`: WebGPU in Node
 * has no synchronous read (`dataSync` needs an OffscreenCanvas there).
 */
async function timed(fn: () => unknown, minMs: number, maxReps = 50): Promise<number> {
  await fn(); // warm-up: shader compilation, WebAssembly instantiation, JIT
  let reps = 0;
  const start = performance.now();
  do {
    await fn();
    reps++;
  } while (performance.now() - start < minMs && reps < maxReps);
  return (performance.now() - start) / reps;
}

let rates: Promise<MeasuredRates> | undefined;

/**
 * Times three small probes on the chosen backend (about a second in all on a slow one): square
 * matMuls growing from 128 until one takes 50 ms or reaches 1024 (the best rate counts, since
 * small products measure dispatch more than arithmetic), a chain of 200 adds on a
 * 64-vector, and a 256³ Float64 product. Measured once per process.
 */
export function measureRates(): Promise<MeasuredRates> {
  rates ??= (async () => {
    const { backend } = await initBackend();
    let tensorFlopsPerSecond = 0, matMulSize = 0;
    for (const n of [128, 256, 512, 1024]) {
      const a = tf.randomUniform([n, n]), b = tf.randomUniform([n, n]);
      const ms = await timed(() => readTensors(() => [tf.matMul(a, b)]), 40, 10);
      tf.dispose([a, b]);
      const rate = (2 * n ** 3) / (ms / 1000);
      if (rate > tensorFlopsPerSecond) [tensorFlopsPerSecond, matMulSize] = [rate, n];
      if (ms > 50) break; // the next size would take 8× as long
    }
    const x = tf.ones([64]);
    const chain = 200;
    const msChain = await timed(() => readTensors(() => {
      let y = x;
      for (let i = 0; i < chain; i++) y = tf.add(y, x);
      return [y];
    }), 60, 20);
    x.dispose();
    const k = 256;
    const A = new Float64Array(k * k).fill(0.5), B = new Float64Array(k * k).fill(0.25), C = new Float64Array(k * k);
    const msGemm = await timed(() => _gemm(k, k, k, 1, A, 0, k, 1, B, 0, k, C, 0, k), 60, 50);
    return {
      backend, tensorFlopsPerSecond, matMulSize,
      secondsPerOp: msChain / 1000 / chain,
      cpuFlopsPerSecond: (2 * k ** 3) / (msGemm / 1000),
    };
  })();
  return rates;
}

/** 42 s, 17 min, 3.4 h, 2.1 days. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

const sci = (x: number) => x.toExponential(1).replace("e+", "e");
const gflops = (x: number) => (x / 1e9 >= 10 ? (x / 1e9).toFixed(0) : (x / 1e9).toPrecision(2));

export interface Estimate {
  seconds: number;
  cost: Cost;
  rates: MeasuredRates;
  /** One line for stderr: "NAME: about X to run on BACKEND (estimate from ...)". */
  line: string;
}

/** Seconds the cost takes at the rates: each kind of work at its own measured speed, summed. */
export function secondsFor(cost: Cost, r: MeasuredRates): number {
  return cost.tensorFlops / r.tensorFlopsPerSecond + cost.tensorOps * r.secondsPerOp + cost.cpuFlops / r.cpuFlopsPerSecond;
}

/**
 * How long the plan will take on this backend, before it starts: the experiment's own count of
 * its work (`cost`, from the params alone) at rates measured here just now. Undefined for an
 * experiment without a cost model. A rough figure: the counts leave out memory traffic and
 * JavaScript glue, and the probes run at sizes that need not match the run's.
 */
export async function estimateRun(plan: Plan): Promise<Estimate | undefined> {
  const experiment = plan.experiment as Experiment;
  if (!experiment.cost) return undefined;
  const cost = experiment.cost(plan.params as Record<string, unknown>);
  const r = await measureRates();
  const seconds = secondsFor(cost, r);
  const parts: string[] = [];
  if (cost.tensorFlops > 0) parts.push(`${sci(cost.tensorFlops)} tensor flops at ${gflops(r.tensorFlopsPerSecond)} GFLOP/s (a ${r.matMulSize}×${r.matMulSize} matMul timed here)`);
  if (cost.tensorOps > 0) parts.push(`${sci(cost.tensorOps)} tensor ops at ${(r.secondsPerOp * 1e6).toPrecision(2)} µs each (a chain of small adds timed here)`);
  if (cost.cpuFlops > 0) parts.push(`${sci(cost.cpuFlops)} CPU flops at ${gflops(r.cpuFlopsPerSecond)} GFLOP/s (a Float64 256³ product timed here)`);
  const line = `${experiment.name}: about ${formatDuration(seconds)} to run on ${r.backend} ` +
    `(estimate from ${parts.join(", ") || "no work counted"}; counts from the params, so a rough figure)`;
  return { seconds, cost, rates: r, line };
}
