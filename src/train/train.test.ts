import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../compute/backend.js";
import { rng } from "../compute/rng.js";
import { createRunContext } from "../experiments/context.js";
import { adam, constant, cosine, epochs, gatherRows, loraAdapter, trainLoop, variableOf, warmupLinearDecay, withReplacement } from "./index.js";

beforeAll(async () => {
  await initBackend();
});

describe("schedules", () => {
  it("warm up linearly, then decay linearly to 0", () => {
    const s = warmupLinearDecay(0.1);
    expect([s(0, 100, 1), s(9, 100, 1), s(55, 100, 1), s(99, 100, 1)]).toEqual([0.1, 1, 0.5, 1 / 90]);
    expect(constant(5, 10, 0.3)).toBe(0.3);
    expect(cosine(0, 10, 2)).toBe(2);
    expect(cosine(10, 10, 2)).toBeCloseTo(0, 12);
  });
});

describe("batches", () => {
  it("covers every index once per epoch, and the same seed draws the same batches", () => {
    const draw = epochs(rng(1), 10, 5);
    const seen = [...draw(), ...draw()].sort((a, b) => a - b);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(withReplacement(rng(2), 100, 8)())).toEqual(Array.from(withReplacement(rng(2), 100, 8)()));
    expect(Array.from(gatherRows(Float32Array.from([0, 1, 2, 3, 4, 5]), 2, [2, 0]))).toEqual([4, 5, 0, 1]);
  });
});

describe("adam on typed arrays", () => {
  it("takes a first step of size η in the direction of −sign(g), as bias correction implies", () => {
    const x = Float64Array.from([1, -1]);
    adam(2).step(x, [3, -0.5], 0.1);
    expect(x[0]).toBeCloseTo(0.9, 6);
    expect(x[1]).toBeCloseTo(-0.9, 6);
  });
  it("minimises a quadratic", () => {
    const x = Float64Array.from([5, -3]);
    const opt = adam(2);
    for (let t = 0; t < 2000; t++) opt.step(x, [2 * x[0], 2 * x[1]], 0.05);
    expect(Math.hypot(x[0], x[1])).toBeLessThan(1e-2);
  });
});

describe("trainLoop", () => {
  it("fits a linear regression, logs a falling loss and leaves no tensor behind", async () => {
    const before = tf.memory().numTensors;
    const r = rng(3);
    const X = tf.tensor2d(Float32Array.from(r.normals(200 * 3)), [200, 3]);
    const w = tf.tensor2d([[1], [-2], [0.5]]);
    const Y = tf.matMul(X, w);
    const W = variableOf(tf.zeros([3, 1]));
    const draw = withReplacement(r.fork("batches"), 200, 32);
    const curve = await trainLoop({
      steps: 300,
      groups: [{ vars: [W], lr: 0.05, schedule: warmupLinearDecay(0.06) }],
      loss: () => {
        const idx = tf.tensor1d(draw(), "int32");
        return tf.losses.meanSquaredError(tf.gather(Y, idx), tf.matMul(tf.gather(X, idx), W)) as tf.Scalar;
      },
      logEvery: 50,
      checkpoint: createRunContext({ seed: 0 }).checkpoint,
    });
    expect(curve.map((p) => p.step)).toEqual([1, 50, 100, 150, 200, 250, 300]);
    expect(curve.at(-1)!.loss).toBeLessThan(1e-3 * curve[0].loss);
    expect(Array.from(W.dataSync()).map((x) => Number(x.toFixed(2)))).toEqual([1, -2, 0.5]);
    tf.dispose([X, w, Y, W]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("stops with the abort reason", async () => {
    const controller = new AbortController();
    const W = variableOf(tf.zeros([1, 1]));
    const reason = new Error("stop");
    const ctx = createRunContext({ seed: 0, signal: controller.signal });
    const run = trainLoop({ steps: 100, groups: [{ vars: [W], lr: 0.1 }], loss: (t) => { if (t === 5) controller.abort(reason); return tf.sum(tf.square(tf.sub(W, 1))) as tf.Scalar; }, checkpoint: ctx.checkpoint });
    await expect(run).rejects.toBe(reason);
    W.dispose();
  });
});

describe("loraAdapter", () => {
  it("starts at W₀ (B = 0) and scales its update by α/r or α/√r, and frees its tensors", () => {
    const before = tf.memory().numTensors;
    const a = loraAdapter(6, 4, { rank: 4, alpha: 8 }, rng(1));
    const b = loraAdapter(6, 4, { rank: 4, alpha: 8, scaling: "alpha/sqrt(r)", frozenA: true }, rng(1));
    expect([a.scale, b.scale]).toEqual([2, 4]);
    expect(b.trainable).toEqual([b.B]);
    tf.tidy(() => {
      expect(Array.from(a.delta().dataSync()).every((x) => x === 0)).toBe(true);
      const x = tf.ones([2, 6]) as tf.Tensor2D;
      const W0 = tf.ones([6, 4]) as tf.Tensor2D;
      a.B.assign(tf.ones([4, 4]));
      const direct = Array.from(tf.matMul(x, tf.add(W0, a.delta())).dataSync());
      const applied = Array.from(a.apply(x, W0).dataSync());
      applied.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 4));
    });
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
