/**
 * Before a run computes, the CLI prints one line on stderr with an estimate of its time on this
 * backend, for an experiment that counts its work; with --json, stdout stays one JSON object.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./cli.js";

const out = mkdtempSync(join(tmpdir(), "lowrank-estimate-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("time estimate", () => {
  it("prints the estimate line on stderr before the run, and stdout stays one JSON object", () => {
    const r = cli(["run", "lora-spectra", "--preset", "quick", "--json", "--out", join(out, "lora")], { LOWRANK_BACKEND: "wasm" });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split(/\r?\n|\r/);
    const at = lines.findIndex((l) => /^lora-spectra: about \d.* to run on wasm \(estimate from .*tensor flops at .* GFLOP\/s/.test(l));
    expect(at, r.stderr).toBeGreaterThanOrEqual(0);
    // Before any progress of the run itself.
    const firstProgress = lines.findIndex((l) => /^lora-spectra: +\d+%/.test(l));
    if (firstProgress >= 0) expect(at).toBeLessThan(firstProgress);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({ experiment: "lora-spectra", backend: "wasm" });
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("prints no estimate for an experiment without a cost model", () => {
    const r = cli(["run", "matrix-sensing", "--preset", "quick", "--json", "--out", join(out, "ms")], { LOWRANK_BACKEND: "wasm" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/about .* to run on/);
    JSON.parse(r.stdout);
  });
});
