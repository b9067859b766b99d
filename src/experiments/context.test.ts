import { describe, expect, it } from "vitest";
import { createRunContext } from "./context.js";

describe("ctx.checkpoint", () => {
  it("reports progress once per percent, and always the last step", async () => {
    const calls: number[] = [];
    const ctx = createRunContext({ seed: 0, progress: (done) => calls.push(done) });
    for (let t = 0; t <= 1000; t++) await ctx.checkpoint(t, 1000);
    expect(calls.length).toBe(101);
    expect(calls.at(-1)).toBe(1000);
  });

  it("throws the abort reason of the signal", async () => {
    const controller = new AbortController();
    const ctx = createRunContext({ seed: 0, signal: controller.signal });
    await ctx.checkpoint(1, 10);
    const reason = new Error("superseded by a newer slider value");
    controller.abort(reason);
    await expect(ctx.checkpoint(2, 10)).rejects.toBe(reason);
  });

  it("yields to the event loop on long loops, so an abort from a timer arrives", async () => {
    const controller = new AbortController();
    const ctx = createRunContext({ seed: 0, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const start = performance.now();
    const loop = async () => {
      for (let t = 0; ; t++) {
        const until = performance.now() + 1;
        while (performance.now() < until); // 1 ms of work per step
        await ctx.checkpoint(t, 1e9);
      }
    };
    await expect(loop()).rejects.toThrow(/aborted/);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
