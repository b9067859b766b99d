import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../../compute/backend.js";
import { rng } from "../../compute/rng.js";
import { matrix, type Matrix } from "../../linalg/index.js";
import { attend, attentionKinds, usesRope } from "./attention.js";
import { vit } from "./model.js";
import { loadMnist, take } from "./tokens.js";
import { accuracy, train } from "./train.js";

beforeAll(async () => {
  await initBackend();
});

describe("tiny ViT (Fan et al. 2025 attention kinds)", () => {
  for (const [kind, choice] of attentionKinds.flatMap((k) => [[k, "none"], [k, "all"]] as const)) {
    it(`computes the same ${kind} heads (RoPE: ${usesRope(kind, choice) ? "on" : "off"}) in tfjs as attention.ts does in Float64`, async () => {
      const before = tf.memory().numTensors;
      const model = vit({ kind, patch: 4, width: 8, heads: 2, depth: 2, mlpRatio: 2, lepeSize: 5, rope: usesRope(kind, choice) }, rng(1));
      const image = take(loadMnist().test, 1).X;
      for (let b = 0; b < 2; b++) {
        const X = await model.attentionInput(image, b);
        const tfOut = await model.attentionOutput(image, b);
        const heads: Matrix[] = [];
        for (const h of [0, 1]) heads.push(attend(kind, X, await model.headWeights(b, h), model.grid, choice).out);
        const f64 = matrix(49, 8);
        for (let i = 0; i < 49; i++) for (let h = 0; h < 2; h++) for (let c = 0; c < 4; c++) f64.data[i * 8 + h * 4 + c] = heads[h].data[i * 4 + c];
        const scale = Math.max(...f64.data.map(Math.abs));
        const diff = Math.max(...f64.data.map((x, i) => Math.abs(x - tfOut.data[i])));
        expect(diff / scale).toBeLessThan(1e-4); // float32 against Float64
      }
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("lowers the training loss and frees every tensor it made", async () => {
    const before = tf.memory().numTensors;
    const { train: pool, test } = loadMnist();
    const { model, curve } = await train({ kind: "rala", patch: 4, width: 8, heads: 1, depth: 1, mlpRatio: 2, lepeSize: 5, rope: true }, take(pool, 500),
      { steps: 25, batch: 32, lr: 1e-2, logEvery: 5 }, rng(2));
    expect(curve[curve.length - 1].loss).toBeLessThan(curve[0].loss);
    const acc = await accuracy(model, take(test, 100));
    expect(acc).toBeGreaterThan(0.1);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
