/**
 * The run itself at a toy size: the same seed gives the same tables and metrics, progress ends
 * at its total, and an interrupt during training stops the run with the abort reason and leaves
 * no tfjs tensor behind.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../compute/backend.js";
import { liveTensors } from "../../compute/memory.js";
import { resolvePlan } from "../../run/plan.js";
import { createRunContext } from "../context.js";
import type { AttentionRankParams } from "./params.js";
import { run } from "./run.js";

const tiny = (params: Record<string, unknown>) =>
  resolvePlan("attention-rank", { preset: "quick", params: { N: [16, 32], d: [4], temperatures: [0.1, 1], ...params } }).params as unknown as AttentionRankParams;

describe("attention-rank run", () => {
  beforeAll(async () => {
    await initBackend();
  });

  it("gives the same tables and metrics for the same seed", async () => {
    const p = tiny({ steps: 3, trainSize: 200, testSize: 50, rankImages: 1 });
    const a = await run(p, createRunContext({ seed: 5 }));
    const b = await run(p, createRunContext({ seed: 5 }));
    expect(b.metrics).toEqual(a.metrics);
    for (const name of Object.keys(a.tables)) expect(b.tables[name].objects(), name).toEqual(a.tables[name].objects());
  });

  it("reports progress up to its total", async () => {
    const calls: Array<[number, number]> = [];
    await run(tiny({ train: false }), createRunContext({ seed: 0, progress: (done, total) => calls.push([done, total]) }));
    const [done, total] = calls[calls.length - 1];
    expect(done).toBe(total);
  });

  it("stops with the abort reason when interrupted mid-training, and frees its tensors", async () => {
    const before = liveTensors();
    const controller = new AbortController();
    const reason = new Error("interrupted by the test");
    const progress = (_done: number, _total: number, label?: string) => {
      if (label?.startsWith("training")) controller.abort(reason);
    };
    await expect(run(tiny({ steps: 20, trainSize: 200, testSize: 50 }), createRunContext({ seed: 0, progress, signal: controller.signal }))).rejects.toBe(reason);
    expect(liveTensors()).toBe(before);
  });
});
