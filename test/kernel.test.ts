/**
 * The kernel driven by real Jupyter clients: the kernelspec is installed into a temporary prefix
 * (JUPYTER_PATH points there, so nothing global is touched), then Debian's Python runs the
 * suites in test/kernel/: jupyter_kernel_test's conformance tests, interrupts, and the protocol
 * tests (signing, comms, stdin, history, display). Uses the compiled kernel in dist/ (`npm test`
 * builds it first).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createJupyterHome, type JupyterHome } from "./jupyterHome.js";
import { packageRoot } from "../src/compute/packageInfo.js";

const python = "/usr/bin/python3";
const hasJupyter =
  existsSync(python) && spawnSync(python, ["-c", "import jupyter_client, jupyter_kernel_test"], { stdio: "ignore" }).status === 0;
const built = existsSync(path.join(packageRoot, "dist", "kernel-ext", "src", "main.js"));

let home: JupyterHome | undefined;
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  home = await createJupyterHome("kernel-test");
  env = home.env;
});
afterAll(() => home?.remove());

/** Runs one Python test file; resolves with its exit status and output. */
function unittest(file: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    // `timeout` kills Python if it hangs; its kernel then ends itself (it polls for its parent).
    const child = spawn(python, ["-m", "unittest", "discover", "-v", "-s", "test/kernel", "-p", file], { cwd: packageRoot, env, timeout: suiteTimeout });
    let output = "";
    child.stdout.on("data", (b) => (output += b));
    child.stderr.on("data", (b) => (output += b));
    child.on("close", (status) => resolve({ status, output }));
  });
}

/** Each suite starts its own kernel (a few seconds on an idle machine, far more on a loaded one). */
const suiteTimeout = 240_000;

/** The summary unittest prints last, e.g. "Ran 12 tests in 9.8s\n\nOK". */
const summary = (output: string) => output.slice(output.lastIndexOf("\nRan ") + 1);

describe.skipIf(!hasJupyter || !built).concurrent("the lowrank-lab kernel under jupyter_client", () => {
  it("passes every jupyter_kernel_test conformance test, none skipped", async () => {
    const r = await unittest("test_conformance.py");
    expect(r.status, r.output).toBe(0);
    expect(summary(r.output)).toMatch(/^Ran 12 tests/);
    expect(summary(r.output)).not.toMatch(/skipped/);
  }, suiteTimeout + 5000);

  it("stops busy loops and pending awaits on interrupt_request and SIGINT, keeping its variables", async () => {
    const r = await unittest("test_interrupt.py");
    expect(r.status, r.output).toBe(0);
    // The measured latencies, for the log.
    console.log(r.output.split("\n").filter((l) => l.startsWith("interrupt latency")).join("\n"));
  }, suiteTimeout + 5000);

  it("drops badly signed messages and serves comms, stdin, history and display", async () => {
    const r = await unittest("test_protocol.py");
    expect(r.status, r.output).toBe(0);
  }, suiteTimeout + 5000);
});
