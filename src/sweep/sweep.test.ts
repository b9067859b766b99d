import * as aq from "arquero";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { packageVersion } from "../compute/packageInfo.js";
import { UsageError } from "../compute/usageError.js";
import type { Experiment } from "../experiments/types.js";
import { expandGrid, pointHash, sweep, tableFromJSON, tableToJSON } from "./index.js";

/** A tiny experiment: loss_t = alpha^t / k, so every number is known; counts its runs. */
function toy(options: { failAt?: number } = {}) {
  const calls: Array<Record<string, unknown>> = [];
  const experiment: Experiment<{ k: number; alpha: number; T: number }> = {
    name: "toy",
    title: "Toy",
    description: "a geometric loss curve",
    papers: [],
    params: {
      k: { type: "int", default: 1, min: 1, max: 10, help: "divisor" },
      alpha: { type: "number", default: 0.5, min: 0, max: 2, help: "ratio" },
      T: { type: "int", default: 3, min: 1, max: 100, help: "steps" },
    },
    presets: { paper: {}, quick: { T: 2 } },
    async run(p, ctx) {
      calls.push({ ...p, seed: ctx.seed });
      if (options.failAt !== undefined && calls.length === options.failAt) throw new Error("crash at this point");
      const step = Array.from({ length: p.T + 1 }, (_, t) => t);
      const loss = step.map((t) => (p.alpha ** t / p.k) * (p.alpha > 1.5 ? Infinity : 1));
      ctx.progress(p.T, p.T);
      const tables = {
        curve: aq.table({ step, loss }),
        final: aq.table({ loss: [loss.at(-1)], noise: [ctx.rng.uniform()] }),
        // a table that records alpha (the same on every row) and its own k (not the swept one)
        own: aq.table({ alpha: [p.alpha, p.alpha], k: [1, p.k], x: [0, 1] }),
      };
      return { tables, metrics: { final: loss.at(-1)!, k: p.k } };
    },
    figures: () => [],
    claims: () => [],
  };
  return { experiment, calls };
}

describe("sweep", () => {
  let cacheDir: string;
  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), "lowrank-sweep-"));
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("expands the grid as a cartesian product, first key slowest", () => {
    expect(expandGrid({ k: [1, 2], alpha: [0.1, 0.2, 0.3] })).toEqual([
      { k: 1, alpha: 0.1 }, { k: 1, alpha: 0.2 }, { k: 1, alpha: 0.3 },
      { k: 2, alpha: 0.1 }, { k: 2, alpha: 0.2 }, { k: 2, alpha: 0.3 },
    ]);
    expect(expandGrid({})).toEqual([{}]);
  });

  it("returns one long table: each point's first table with the swept params as leading columns", async () => {
    const { experiment } = toy();
    const t = await sweep(experiment, { k: [1, 2], alpha: [0.5, 1] }, { cacheDir, progress: false });
    expect(t.columnNames()).toEqual(["k", "alpha", "step", "loss"]);
    expect(t.numRows()).toBe(4 * 4);
    const row = t.filter((d: any) => d.k === 2 && d.alpha === 0.5 && d.step === 3).objects()[0] as { loss: number };
    expect(row.loss).toBeCloseTo(0.0625);
  });

  it("keeps a table column that clashes with a swept param under <name>_table, unless it repeats the swept value", async () => {
    const { experiment } = toy();
    const t = await sweep(experiment, { k: [2], alpha: [0.5] }, { cacheDir, progress: false, table: "own" });
    expect(t.columnNames()).toEqual(["k", "alpha", "k_table", "x"]);
    expect(t.array("k")).toEqual([2, 2]);
    expect(t.array("k_table")).toEqual([1, 2]);
  });

  it("never recomputes a cached point, unless forced", async () => {
    const { experiment, calls } = toy();
    const first = await sweep(experiment, { k: [1, 2, 3] }, { cacheDir, progress: false, preset: "quick" });
    expect(calls).toHaveLength(3);
    const again = await sweep(experiment, { k: [1, 2, 3] }, { cacheDir, progress: false, preset: "quick" });
    expect(calls).toHaveLength(3);
    expect(again.objects()).toEqual(first.objects());
    await sweep(experiment, { k: [1, 4] }, { cacheDir, progress: false, preset: "quick" });
    expect(calls.map((c) => c.k)).toEqual([1, 2, 3, 4]);
    await sweep(experiment, { k: [1] }, { cacheDir, progress: false, preset: "quick", force: true });
    expect(calls).toHaveLength(5);
  });

  it("keys the cache on experiment, resolved params, seed and package version", async () => {
    const { experiment, calls } = toy();
    await sweep(experiment, { k: [2] }, { cacheDir, progress: false, preset: "quick" });
    await sweep(experiment, { k: [2] }, { cacheDir, progress: false, preset: "paper" }); // T differs
    await sweep(experiment, { k: [2] }, { cacheDir, progress: false, preset: "quick", seed: 7 });
    await sweep(experiment, { k: [2] }, { cacheDir, progress: false, params: { T: 2 } }); // same resolved params as quick
    expect(calls).toEqual([
      { k: 2, alpha: 0.5, T: 2, seed: 0 },
      { k: 2, alpha: 0.5, T: 3, seed: 0 },
      { k: 2, alpha: 0.5, T: 2, seed: 7 },
    ]);
    const files = readdirSync(join(cacheDir, "toy"));
    expect(files).toContain(`${pointHash({ experiment: "toy", params: { k: 2, alpha: 0.5, T: 2 }, seed: 0, version: packageVersion })}.json`);
    const stored = JSON.parse(readFileSync(join(cacheDir, "toy", files[0]), "utf8"));
    expect(stored.key.version).toBe(packageVersion);
  });

  it("loses at most the point in flight when interrupted, and resumes from there", async () => {
    const crashing = toy({ failAt: 3 });
    await expect(sweep(crashing.experiment, { k: [1, 2, 3, 4] }, { cacheDir, progress: false })).rejects.toThrow(/crash at this point/);
    expect(readdirSync(join(cacheDir, "toy")).filter((f) => f.endsWith(".json"))).toHaveLength(2);
    expect(readdirSync(join(cacheDir, "toy")).some((f) => f.endsWith(".tmp"))).toBe(false);
    const resumed = toy();
    const t = await sweep(resumed.experiment, { k: [1, 2, 3, 4] }, { cacheDir, progress: false });
    expect(resumed.calls.map((c) => c.k)).toEqual([3, 4]);
    expect(t.numRows()).toBe(16);
  });

  it("reads a cached point back exactly, NaN and Infinity included", async () => {
    const { experiment } = toy();
    const fresh = await sweep(experiment, { alpha: [1.8] }, { cacheDir, progress: false });
    const cached = await sweep(experiment, { alpha: [1.8] }, { cacheDir, progress: false });
    expect(Array.from(cached.array("loss") as ArrayLike<number>)).toEqual([Infinity, Infinity, Infinity, Infinity]);
    expect(cached.objects()).toEqual(fresh.objects());
    const odd = aq.table({ x: Float64Array.from([NaN, -Infinity, 1]), s: ["a", null, "c"], d: [new Date(0), null, new Date(1)] });
    const back = tableFromJSON(JSON.parse(JSON.stringify(tableToJSON(odd))));
    expect(back.column("x")).toBeInstanceOf(Float64Array);
    expect(back.objects()).toEqual(odd.objects());
  });

  it("picks a table by name, or one metrics row per point", async () => {
    const { experiment } = toy();
    const finals = await sweep(experiment, { k: [1, 2] }, { cacheDir, progress: false, table: "final" });
    expect(finals.columnNames()).toEqual(["k", "loss", "noise"]);
    const metrics = await sweep(experiment, { k: [1, 2] }, { cacheDir, progress: false, table: "metrics" });
    expect(metrics.columnNames()).toEqual(["k", "final", "durationMs"]);
    expect(metrics.array("final")).toEqual([0.125, 0.0625]);
    await expect(sweep(experiment, { k: [1] }, { cacheDir, progress: false, table: "nope" })).rejects.toThrow(/no table 'nope'; available: curve, final, own, metrics/);
  });

  it("sweeps seeds with a seed key, each point seeded by it", async () => {
    const { experiment, calls } = toy();
    const t = await sweep(experiment, { seed: [1, 2] }, { cacheDir, progress: false, table: "final" });
    expect(calls.map((c) => c.seed)).toEqual([1, 2]);
    expect(t.columnNames()).toEqual(["seed", "loss", "noise"]);
    const noise = t.array("noise") as number[];
    expect(noise[0]).not.toBe(noise[1]);
  });

  it("checks every point before running any", async () => {
    const { experiment, calls } = toy();
    await expect(sweep(experiment, { k: [1, 2, 99] }, { cacheDir, progress: false })).rejects.toThrow(UsageError);
    await expect(sweep(experiment, { q: [1] }, { cacheDir, progress: false })).rejects.toThrow(/unknown parameter 'q' for toy/);
    await expect(sweep(experiment, { k: 3 } as never, { cacheDir, progress: false })).rejects.toThrow(/grid.k must be a non-empty array/);
    expect(calls).toHaveLength(0);
  });
});
