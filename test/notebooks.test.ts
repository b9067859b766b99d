/**
 * Every notebook in notebooks/ executed top to bottom through the lowrank-lab kernel by Debian's
 * nbclient, as Jupyter would run it; matrix-sensing.ipynb also through plain tslab. Both
 * kernelspecs go into a temporary prefix (JUPYTER_PATH points there, so nothing global is read
 * or written). The kernels start in a temporary folder holding `node_modules/lowrank-lab`, a
 * link to this package, as a project that installed it would: plain tslab resolves the import
 * from there, and sweep caches land there instead of in the repository. One Python process runs
 * all notebooks, three at a time (test/notebooks/execute.py). Needs the compiled kernel (dist/).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJupyterHome, type JupyterHome } from "./jupyterHome.js";
import { packageRoot } from "../src/compute/packageInfo.js";

const python = "/usr/bin/python3";
const hasNbclient = existsSync(python) && spawnSync(python, ["-c", "import nbclient, nbformat"], { stdio: "ignore" }).status === 0;
const built = existsSync(path.join(packageRoot, "dist", "kernel-ext", "src", "main.js")) && existsSync(path.join(packageRoot, "dist", "src", "index.js"));
const tslabBin = path.join(packageRoot, "node_modules", ".bin", "tslab");
// tslab's installer is a Python script that needs jupyter_client and IPython in the Python it is given.
const canInstallTslab = existsSync(tslabBin) && hasNbclient && spawnSync(python, ["-c", "import jupyter_client, IPython"], { stdio: "ignore" }).status === 0;

const notebooksDir = path.join(packageRoot, "notebooks");
const notebooks = readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();
/** Notebooks that must also run under plain tslab (they import the package themselves). */
const plainTslab = ["matrix-sensing.ipynb"];
const lowrankRuns = notebooks.map((nb) => ({ nb, kernel: "lowrank-lab" }));
const tslabRuns = plainTslab.map((nb) => ({ nb, kernel: "tslab" }));
const runs = [...lowrankRuns, ...(canInstallTslab ? tslabRuns : [])];

interface CellError {
  cell: number;
  ename: string;
  evalue: string;
  traceback: string[];
}
interface Report {
  notebook: string;
  kernel: string;
  seconds: number;
  cells: number;
  executed: number;
  errors: CellError[];
  failure: string | null;
}

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");

function describeErrors(r: Report): string {
  const lines = r.errors.map((e) => `${r.notebook} (${r.kernel}) cell ${e.cell}: ${e.ename}${e.ename ? ": " : ""}${e.evalue}\n${stripAnsi(e.traceback.join("\n")).split("\n").slice(0, 12).join("\n")}`);
  if (r.failure) lines.push(`${r.notebook} (${r.kernel}): ${r.failure}`);
  return lines.join("\n\n");
}

/** Adds tslab's kernelspec to `home` and runs execute.py over every run; resolves with one report per run. */
async function executeAll(home: JupyterHome): Promise<{ reports: Map<string, Report>; log: string }> {
  const tmp = home.dir;
  if (canInstallTslab) {
    // --binary: Jupyter starts the kernel by this path, so it must not depend on PATH.
    const tslab = spawnSync(tslabBin, ["install", `--python=${python}`, `--binary=${tslabBin}`, `--prefix=${tmp}`], { encoding: "utf8" });
    if (tslab.status !== 0) throw new Error(`tslab install --prefix ${tmp} failed:\n${tslab.stdout}${tslab.stderr}`);
  }
  const cwd = path.join(tmp, "project");
  mkdirSync(path.join(cwd, "node_modules"), { recursive: true });
  symlinkSync(packageRoot, path.join(cwd, "node_modules", "lowrank-lab"), "dir");
  const out = path.join(tmp, "executed");
  mkdirSync(out);
  const env = home.env;
  const args = [
    path.join(packageRoot, "test", "notebooks", "execute.py"), "--out", out, "--cwd", cwd, "--jobs", "3",
    ...runs.map((r) => `${path.join(notebooksDir, r.nb)}:${r.kernel}`),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { cwd: packageRoot, env });
    let stdout = "";
    let log = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (log += b));
    child.on("error", reject);
    child.on("close", (status) => {
      if (status !== 0) return reject(new Error(`execute.py exited with ${status}:\n${log}`));
      const reports = new Map<string, Report>();
      for (const line of stdout.split("\n").filter(Boolean)) {
        const r = JSON.parse(line) as Report;
        reports.set(`${r.notebook}:${r.kernel}`, r);
      }
      resolve({ reports, log });
    });
  });
}

describe("the notebooks' metadata", () => {
  it.each(notebooks)("%s names the lowrank-lab kernelspec", (nb) => {
    const { metadata } = JSON.parse(readFileSync(path.join(notebooksDir, nb), "utf8"));
    expect(metadata.kernelspec).toEqual({ name: "lowrank-lab", display_name: "TypeScript (lowrank-lab)", language: "typescript" });
  });
});

describe.skipIf(!hasNbclient || !built)("every notebook, executed top to bottom with nbclient", () => {
  let home: JupyterHome | undefined;
  let reports = new Map<string, Report>();
  let log = "";

  beforeAll(async () => {
    home = await createJupyterHome("notebooks-test");
    const started = performance.now();
    ({ reports, log } = await executeAll(home));
    const times = [...reports.values()].map((r) => `${r.notebook} (${r.kernel}) ${r.seconds.toFixed(1)} s`).join(", ");
    console.log(`notebooks executed in ${((performance.now() - started) / 1000).toFixed(1)} s: ${times}`);
  }, 600_000);
  afterAll(() => {
    home?.remove();
  });

  function check({ nb, kernel }: { nb: string; kernel: string }) {
    const r = reports.get(`${nb}:${kernel}`);
    expect(r, `no report for ${nb} under ${kernel}:\n${log}`).toBeDefined();
    expect(describeErrors(r!)).toBe("");
    // Stopping early without an error would hide cells: every code cell must have run.
    const code = JSON.parse(readFileSync(path.join(notebooksDir, nb), "utf8")).cells.filter((c: { cell_type: string }) => c.cell_type === "code").length;
    expect(r!.executed).toBe(code);
  }

  it.each(lowrankRuns)("$nb runs without an error output under the lowrank-lab kernel", check);
  // Skipped only where tslab's installer cannot run (no tslab, or no jupyter_client/IPython in Debian's Python).
  it.skipIf(!canInstallTslab).each(tslabRuns)("$nb also runs without an error output under plain tslab", check);
});
