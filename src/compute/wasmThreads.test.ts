import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The backend is chosen once per process, so each thread count runs in a child process of its own.
const backend = join(import.meta.dirname, "backend.ts");
const script = `
const { initBackend, tf } = await import(${JSON.stringify(backend)});
const info = await initBackend();
const r = (shape, seed) => tf.randomUniform(shape, -1, 1, "float32", seed);
const A = r([257, 300], 1), B = r([300, 193], 2);
const C = tf.matMul(A, B);
// a small MLP, 5 Adam steps
const W1 = tf.variable(r([64, 96], 3).mul(0.2)), W2 = tf.variable(r([96, 10], 4).mul(0.2));
const x = r([128, 64], 5), y = tf.oneHot(tf.randomUniform([128], 0, 10, "int32", 6), 10);
const loss = () => tf.losses.softmaxCrossEntropy(y, tf.relu(x.matMul(W1)).matMul(W2));
const opt = tf.train.adam(1e-2);
for (let i = 0; i < 5; i++) opt.minimize(loss);
process.stdout.write(JSON.stringify({
  backend: info.backend, threads: info.wasmThreads?.threads, fellBack: info.wasmThreads?.fellBack,
  A: Array.from(A.dataSync()), B: Array.from(B.dataSync()), C: Array.from(C.dataSync()),
  loss: loss().dataSync()[0],
}) + "\\n");
`;

interface Result {
  backend: string;
  threads?: number;
  fellBack?: string;
  A: number[];
  B: number[];
  C: number[];
  loss: number;
}

function run(threads: string | undefined): Result {
  const env: NodeJS.ProcessEnv = { ...process.env, LOWRANK_BACKEND: "wasm", LOWRANK_THREADS: threads };
  if (threads === undefined) delete env.LOWRANK_THREADS;
  const p = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    env,
    timeout: 60_000,
    maxBuffer: 64 * 2 ** 20, // the operands and product as JSON, a few MB
  });
  expect(p.status, p.stderr).toBe(0);
  return JSON.parse(p.stdout.trim().split("\n").at(-1)!) as Result;
}

const u = 2 ** -24; // float32 unit roundoff

describe("tfjs's WebAssembly backend on threads", () => {
  it("runs the threaded build on 2 threads and agrees with 1 thread within float32 rounding", () => {
    const one = run("1"), two = run("2");
    expect(one).toMatchObject({ backend: "wasm", threads: 1 });
    expect(two).toMatchObject({ backend: "wasm", threads: 2 });
    expect(two.fellBack).toBeUndefined();
    expect(two.A).toEqual(one.A); // the same seeded operands
    expect(two.B).toEqual(one.B);
    // Each product entry is a k-term float32 inner product, within k·u·(|A||B|)ij of the exact
    // value in any summation order (Higham, Accuracy and Stability of Numerical Algorithms, §3.1),
    // so two orders differ by at most 2k·u·(|A||B|)ij.
    const [m, k, n] = [257, 300, 193];
    let worst = 0;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let abs = 0;
        for (let p = 0; p < k; p++) abs += Math.abs(one.A[i * k + p] * one.B[p * n + j]);
        worst = Math.max(worst, Math.abs(one.C[i * n + j] - two.C[i * n + j]) / (2 * k * u * abs));
      }
    expect(worst).toBeLessThanOrEqual(1);
    // Five Adam steps on a 64-96-10 net: the loss within 1e-5 relative (about 100 float32 ulps)
    expect(Math.abs(two.loss - one.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(one.loss));
  });

  it("stays on one thread (the single-threaded build) unless LOWRANK_THREADS asks for more", () => {
    expect(run(undefined)).toMatchObject({ backend: "wasm", threads: 1 });
  });

  it("rejects a LOWRANK_THREADS that is not a thread count", () => {
    const p = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      env: { ...process.env, LOWRANK_BACKEND: "wasm", LOWRANK_THREADS: "0" },
      timeout: 60_000,
    });
    expect(p.status).not.toBe(0);
    expect(p.stderr).toContain("LOWRANK_THREADS=0 is not allowed");
  });
});
