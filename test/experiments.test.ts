/**
 * Every registered experiment, through the same runner the CLI uses: its quick preset runs
 * (the runner itself fails on a tensor leak), reports finite metrics and well-formed claims,
 * gives the same numbers for the same seed, and a point read back from the cache is judged and
 * drawn exactly as the fresh run. Its figures are compared with the committed snapshots in
 * test/output/ (UPDATE_SNAPSHOTS=1 rewrites them). Each experiment's own claims.test.ts checks
 * that its claims hold, and that each can fail.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { experiments, figureToSVG, resolvePlan, runPlan } from "../src/index.js";
import type { RunRecord } from "../src/index.js";
import { expectFiniteMetrics } from "./fixtures/runs.js";
import { expectSnapshot } from "./fixtures/snapshot.js";

const cacheDir = mkdtempSync(join(tmpdir(), "lowrank-experiments-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** What a reader sees of a record: metrics, claims, every figure drawn, every table as CSV. */
function rendered(r: RunRecord) {
  return {
    metrics: r.metrics,
    claims: JSON.stringify(r.claims),
    figures: r.figures.map((f) => [f.id, figureToSVG(f)]),
    tables: Object.entries(r.result.tables).map(([name, t]) => [name, t.toCSV()]),
  };
}

describe.each(experiments.map((e) => [e.name]))("experiment %s", (name) => {
  const plan = resolvePlan(name, { preset: "quick", seed: 11 });
  let fresh: Promise<RunRecord> | undefined;
  const freshRun = () => (fresh ??= runPlan(plan, { cache: cacheDir }));

  it("runs its quick preset with finite metrics, well-formed claims, figures and tables", async () => {
    const r = await freshRun();
    expect(r.cached).toBe(false);
    expectFiniteMetrics(r.metrics);
    expect(r.claims.length).toBeGreaterThan(0);
    for (const c of r.claims) {
      expect(typeof c.holds, c.id).toBe("boolean");
      expect(c.statement.length, c.id).toBeGreaterThan(0);
      expect(c.evidence.length, c.id).toBeGreaterThan(0);
    }
    expect(new Set(r.claims.map((c) => c.id)).size).toBe(r.claims.length);
    expect(r.figures.length).toBeGreaterThan(0);
    for (const t of Object.values(r.result.tables)) expect(t.numRows()).toBeGreaterThanOrEqual(0);
    expect(Object.keys(r.result).sort()).toEqual(["metrics", "tables"]);
  });

  it("re-renders a cached point exactly as the fresh run", async () => {
    const first = await freshRun();
    const cached = await runPlan(plan, { cache: cacheDir });
    expect(cached.cached).toBe(true);
    expect(rendered(cached)).toEqual(rendered(first));
  });

  it("gives the same numbers for the same seed", async () => {
    const first = await freshRun();
    const again = await runPlan(plan);
    expect(again.metrics).toEqual(first.metrics);
    expect(JSON.stringify(again.claims)).toEqual(JSON.stringify(first.claims));
  });

  it("draws the same figures as the committed snapshots (quick preset, seed 11)", async () => {
    const r = await freshRun();
    for (const f of r.figures) expectSnapshot(`${name}-${f.id}`, figureToSVG(f));
  });
});
