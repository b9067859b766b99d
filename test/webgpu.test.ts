/**
 * The WebGPU backend (Dawn on Vulkan) on the software adapter Debian's chromium ships
 * (SwiftShader), as CI runs it: chosen only when asked for by both variables, named by
 * `doctor`, and computing what the cpu backend computes. Each case is a fresh process, since
 * the backend is chosen once per process.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, root } from "./cli.js";

const software = { LOWRANK_BACKEND: "webgpu", LOWRANK_WEBGPU_ADAPTER: "software" };
const haveSwiftShader = existsSync("/usr/lib/chromium/vk_swiftshader_icd.json");

/** `lowrank-lab run ... --json` on webgpu (software adapter) and on wasm: both records, after checking each ran where asked. */
function runOnBoth(args: string[]) {
  const gpu = cli([...args, "--out", mkdtempSync(join(tmpdir(), "lowrank-webgpu-"))], software);
  const cpu = cli([...args, "--out", mkdtempSync(join(tmpdir(), "lowrank-wasm-"))], { LOWRANK_BACKEND: "wasm" });
  expect(gpu.code, gpu.stderr).toBe(0);
  expect(cpu.code, cpu.stderr).toBe(0);
  const [g, c] = [JSON.parse(gpu.stdout), JSON.parse(cpu.stdout)];
  expect([g.backend, c.backend]).toEqual(["webgpu", "wasm"]);
  return [g, c];
}

describe("webgpu backend", () => {
  it("rejects a LOWRANK_WEBGPU_ADAPTER it does not know, in one line", () => {
    const r = cli(["doctor"], { LOWRANK_WEBGPU_ADAPTER: "soft" });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("lowrank-lab: LOWRANK_WEBGPU_ADAPTER=soft is not allowed; allowed: hardware, software (hardware is the default)");
  });

  it("never picks a software adapter by default, and says why webgpu did not load", () => {
    const r = cli(["doctor", "--json"], { LOWRANK_BACKEND: "", LOWRANK_WEBGPU_ADAPTER: "" });
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    if (info.backend === "webgpu") expect(info.adapter.software).toBe(false);
    const webgpu = info.attempts.find((a: { name: string }) => a.name === "webgpu");
    if (webgpu && !webgpu.loaded) expect(webgpu.reason).not.toMatch(/\n/);
  });

  it.skipIf(!haveSwiftShader && !process.env.CI)("runs on SwiftShader when asked, and doctor names the adapter", () => {
    const r = cli(["doctor", "--json"], software);
    expect(r.stderr).toBe("");
    const info = JSON.parse(r.stdout);
    expect(info.backend).toBe("webgpu");
    expect(info.adapter).toMatchObject({ architecture: "swiftshader", software: true });
  });

  it.skipIf(!haveSwiftShader && !process.env.CI)("agrees with the cpu backend on a 512×512 product to 1e-4", () => {
    const script = `
      const lab = await import(${JSON.stringify(join(root, "dist", "src", "index.js"))});
      const { tf } = lab;
      const d = await lab.initBackend();
      const x = tf.randomNormal([512, 512], 0, 1, "float32", 7);
      const gpu = await tf.matMul(x, x).data();
      const host = await x.data();
      await tf.setBackend("cpu");
      const cpu = await tf.matMul(tf.tensor(host, [512, 512]), tf.tensor(host, [512, 512])).data();
      let worst = 0;
      for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(gpu[i] - cpu[i]) / (1 + Math.abs(cpu[i])));
      console.log(JSON.stringify({ backend: d.backend, worst }));
      process.exit(0);`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, ...software }, timeout: 120_000 });
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(out.backend).toBe("webgpu");
    expect(out.worst).toBeLessThan(1e-4);
  });

  it.skipIf(!haveSwiftShader && !process.env.CI)("trains lora-spectra's networks to the same numbers as wasm (a shortened quick run)", () => {
    const args = ["run", "lora-spectra", "--preset", "quick", "--set", "preSteps=30", "--set", "ftSteps=15", "--set", "nTrain=500", "--set", "nTest=200", "--set", "ranks=1,4", "--set", "frozenRanks=1", "--set", "lambdas=0,1", "--json"];
    const [g, c] = runOnBoth(args);
    // float32 on both, summed in different orders: the same numbers to a few units in the 4th digit.
    for (const [key, value] of Object.entries(c.metrics as Record<string, number>)) {
      expect(Math.abs(g.metrics[key] - value), key).toBeLessThan(2e-3 * Math.max(1, Math.abs(value)));
    }
  });

  it.skipIf(!haveSwiftShader && !process.env.CI)("trains attention-rank's ViTs and judges its claims as wasm does (a shortened quick run)", () => {
    const testSize = 100;
    const args = ["run", "attention-rank", "--preset", "quick", "--set", "steps=2", "--set", "trainSize=500", "--set", `testSize=${testSize}`, "--set", "rankImages=1", "--json"];
    const [g, c] = runOnBoth(args);
    const holds = (r: { claims: Array<{ id: string; holds: boolean }> }) => r.claims.map((x) => [x.id, x.holds]);
    expect(holds(g)).toEqual(holds(c));
    // The untrained ranks are Float64 on the CPU on both; the trained ones come from float32
    // weights, and an accuracy may differ by one test image where two logits nearly tie.
    for (const [key, value] of Object.entries(c.metrics as Record<string, number>)) {
      const tolerance = key.startsWith("accuracy.") ? 1 / testSize + 1e-9 : 2e-3 * Math.max(1, Math.abs(value));
      expect(Math.abs(g.metrics[key] - value), key).toBeLessThanOrEqual(tolerance);
    }
  });
});
