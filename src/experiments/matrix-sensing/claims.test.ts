import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { resolveParams } from "../schema.js";
import { matrixSensing } from "./index.js";
import type { MatrixSensingParams } from "./params.js";

const quick = resolveParams<MatrixSensingParams>("matrix-sensing", matrixSensing.params, matrixSensing.presets.quick);
const runs = new Map<number, ReturnType<typeof matrixSensing.run>>();
/** Each seed's quick run, computed once and shared by the tests that read it. */
const runQuick = (seed: number) => {
  if (!runs.has(seed)) runs.set(seed, matrixSensing.run(quick, { seed, rng: rng(seed), progress: () => {} }));
  return runs.get(seed)!;
};

describe("matrix-sensing quick preset (Xiong, Ding & Du 2024, Figures 1–2)", () => {
  // The quick preset's claims must hold for any seed, not one lucky draw.
  for (const seed of [0, 1, 2, 3]) {
    it(`reproduces every claim of the paper with seed ${seed}`, async () => {
      const r = await runQuick(seed);
      const failed = matrixSensing.claims(r, quick).filter((c) => !c.holds);
      expect(failed.map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);
    });
  }

  it("returns a long table with one row per variant and recorded iteration, and flat numeric metrics", async () => {
    const r = await runQuick(0);
    const t = r.tables.curves;
    expect(t.columnNames()).toEqual(["variant", "id", "family", "alpha", "k", "iter", "relError"]);
    const records = quick.T / Math.max(1, Math.floor(quick.T / 1000)) + 1;
    expect(t.numRows()).toBe(r.variants.length * records);
    expect(r.variants.length).toBe(3 + 2 * quick.alphas.length);
    for (const [key, value] of Object.entries(r.metrics)) expect(Number.isFinite(value), key).toBe(true);
    expect(r.metrics["sym-exact.finalError"]).toBeLessThan(1e-10);
  });

  it("gives the same numbers for the same seed", async () => {
    const p = { ...quick, T: 200 };
    const a = await matrixSensing.run(p, { seed: 9, rng: rng(9), progress: () => {} });
    const b = await matrixSensing.run(p, { seed: 9, rng: rng(9), progress: () => {} });
    expect(a.tables.curves.array("relError")).toEqual(b.tables.curves.array("relError"));
  });

  it("builds the relative-error and rate figures with a log y axis", async () => {
    const r = await matrixSensing.run({ ...quick, T: 300 }, { seed: 1, rng: rng(1), progress: () => {} });
    const figs = matrixSensing.figures(r, quick);
    expect(figs.map((f) => f.id)).toEqual(["relative-error", "rate-vs-alpha"]);
    expect((figs[0].plot.y as { type: string }).type).toBe("log");
  });

  it("rejects k ≤ r with a message naming both", async () => {
    await expect(matrixSensing.run({ ...quick, k: 2 }, { seed: 0, rng: rng(0), progress: () => {} })).rejects.toThrow(/k=2 must exceed r=2/);
  });

  it("reports progress about every 1% of the iterations", async () => {
    const calls: number[] = [];
    await matrixSensing.run({ ...quick, T: 500 }, { seed: 0, rng: rng(0), progress: (done) => calls.push(done) });
    expect(calls.length).toBeGreaterThanOrEqual(100);
    expect(calls.length).toBeLessThanOrEqual(102);
    expect(calls[calls.length - 1]).toBe(500);
  });
});
