/**
 * Every registered experiment, through the same runner the CLI uses: its quick preset runs,
 * frees every tensor it made, renders its figures and reports well-formed claims. Each
 * experiment's own claims.test.ts checks that the claims hold.
 */
import { describe, expect, it } from "vitest";
import { experiments, figureToSVG, liveTensors, run } from "../src/index.js";

describe.each(experiments.map((e) => [e.name]))("experiment %s", (name) => {
  it("runs its quick preset, leaves the tensor count unchanged and renders its figures", async () => {
    const before = liveTensors();
    const r = await run(name, { preset: "quick", seed: 11 });
    expect(liveTensors()).toBe(before);
    expect(r.claims.length).toBeGreaterThan(0);
    for (const c of r.claims) expect(c.evidence.length).toBeGreaterThan(0);
    expect(r.figures.length).toBeGreaterThan(0);
    for (const f of r.figures) expect(figureToSVG(f)).toMatch(/^<svg/);
    expect(Object.keys(r.result.tables).length).toBeGreaterThan(0);
    for (const v of Object.values(r.metrics)) expect(typeof v).toBe("number");
  });

  it("gives the same numbers for the same seed", async () => {
    const a = await run(name, { preset: "quick", seed: 5 });
    const b = await run(name, { preset: "quick", seed: 5 });
    expect(b.metrics).toEqual(a.metrics);
  });
});
