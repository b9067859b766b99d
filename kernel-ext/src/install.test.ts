import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { installKernel } from "./install.js";
import { UsageError } from "../../src/compute/usageError.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "lowrank-kernelspec-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("installKernel", () => {
  it("writes the lowrank-lab kernelspec under <prefix>/share/jupyter/kernels", async () => {
    const dir = await installKernel({ prefix: tmp });
    expect(dir).toBe(path.join(tmp, "share", "jupyter", "kernels", "lowrank-lab"));
    const spec = JSON.parse(readFileSync(path.join(dir, "kernel.json"), "utf8"));
    expect(spec.display_name).toBe("TypeScript (lowrank-lab)");
    expect(spec.language).toBe("typescript");
    expect(spec.interrupt_mode).toBe("message");
    expect(spec.argv).toEqual([process.execPath, expect.stringMatching(/dist[\\/]kernel-ext[\\/]src[\\/]main\.js$/), "{connection_file}"]);
    expect(path.isAbsolute(spec.argv[1])).toBe(true);
  });

  it("refuses two destinations at once", async () => {
    await expect(installKernel({ user: true, prefix: tmp })).rejects.toThrow(UsageError);
  });

  it("uses JUPYTER_DATA_DIR for a per-user install", async () => {
    const before = process.env.JUPYTER_DATA_DIR;
    process.env.JUPYTER_DATA_DIR = path.join(tmp, "data");
    try {
      expect(await installKernel({ user: true })).toBe(path.join(tmp, "data", "kernels", "lowrank-lab"));
    } finally {
      if (before === undefined) delete process.env.JUPYTER_DATA_DIR;
      else process.env.JUPYTER_DATA_DIR = before;
    }
  });
});
