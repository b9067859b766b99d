/**
 * The run itself at a toy size (width 24, 20 pretraining and 10 fine-tuning steps): the same
 * seed gives the same numbers, and an interrupt stops it with the abort reason and leaves no
 * tfjs tensor behind.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../compute/backend.js";
import { liveTensors } from "../../compute/memory.js";
import { resolvePlan } from "../../run/plan.js";
import { createRunContext } from "../context.js";
import type { LoraSpectraParams } from "./params.js";
import { lambdaKey, run } from "./run.js";

const tiny = resolvePlan("lora-spectra", {
  preset: "quick",
  params: { hidden: 24, nTrain: 400, nTest: 200, preSteps: 20, ftSteps: 10, ranks: [1, 2], frozenRanks: [1], lambdas: [0.5, 1] },
}).params as unknown as LoraSpectraParams;

describe("lora-spectra run", () => {
  beforeAll(async () => {
    await initBackend();
  });

  it("gives the same tables and metrics for the same seed", async () => {
    const a = await run(tiny, createRunContext({ seed: 7 }));
    const b = await run(tiny, createRunContext({ seed: 7 }));
    expect(b.metrics).toEqual(a.metrics);
    for (const name of Object.keys(a.tables)) expect(b.tables[name].objects(), name).toEqual(a.tables[name].objects());
  }, 120_000);

  it("stops with the abort reason when interrupted mid-training, and frees its tensors", async () => {
    const before = liveTensors();
    const controller = new AbortController();
    const reason = new Error("interrupted by the test");
    // Aborted as soon as fine-tuning starts, so the abort lands inside a variant's training loop.
    const progress = (_done: number, _total: number, label?: string) => {
      if (label !== "pretraining") controller.abort(reason);
    };
    await expect(run(tiny, createRunContext({ seed: 7, progress, signal: controller.signal }))).rejects.toBe(reason);
    expect(liveTensors()).toBe(before);
  }, 120_000);

  it("writes each λ as one metric-key word", () => {
    expect([0, 0.7, 1, 1.25].map(lambdaKey)).toEqual(["lambda0", "lambda0p7", "lambda1", "lambda1p25"]);
  });
});
