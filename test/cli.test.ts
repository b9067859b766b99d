import { mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { cli, cliPath } from "./cli.js";

const tmp = () => mkdtempSync(join(tmpdir(), "lowrank-cli-"));

/** A user mistake: exit code 2, one line on stderr naming the input, nothing on stdout, no stack. */
function expectUsageError(args: string[], pattern: RegExp, env: Record<string, string> = {}) {
  const r = cli(args, env);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("lowrank-lab list", () => {
  it("prints a JSON array describing every experiment with its params and presets", () => {
    const r = cli(["list", "--json"]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(Array.isArray(list)).toBe(true);
    const names = list.map((e: { name: string }) => e.name);
    expect(names).toContain("matrix-sensing");
    for (const e of list) {
      expect(Object.keys(e).sort()).toEqual(["name", "papers", "params", "presets", "title"]);
      expect(e.presets).toHaveProperty("paper");
      expect(e.presets).toHaveProperty("quick");
      for (const p of e.params) {
        expect(typeof p.name).toBe("string");
        expect(typeof p.help).toBe("string");
        expect(p).toHaveProperty("default");
        expect(["int", "number", "number[]", "boolean", "choice"]).toContain(p.type);
      }
    }
  });
});

describe("lowrank-lab run --json", () => {
  it("prints exactly one JSON object with the contract's fields and writes the files it names", () => {
    const out = tmp();
    const r = cli(["run", "matrix-sensing", "--preset", "quick", "--seed", "3", "--out", out, "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual(["backend", "cached", "claims", "durationMs", "experiment", "files", "metrics", "overrides", "params", "preset", "seed"]);
    expect(j).toMatchObject({ experiment: "matrix-sensing", preset: "quick", seed: 3, backend: "wasm" });
    for (const v of Object.values(j.metrics)) expect(Number.isFinite(v)).toBe(true);
    for (const c of j.claims) {
      expect(Object.keys(c).filter((k) => k !== "paper" && k !== "kind").sort()).toEqual(["evidence", "holds", "id", "statement"]);
      if ("paper" in c) expect(typeof c.paper).toBe("string");
    }
    expect(j.claims.some((c: { paper?: string }) => c.paper)).toBe(true);
    expect(j.files.some((f: string) => f.endsWith(".svg"))).toBe(true);
    expect(j.files.some((f: string) => f.endsWith(".png"))).toBe(true);
    expect(j.files.some((f: string) => f.endsWith(".csv"))).toBe(true);
    for (const f of j.files) expect(existsSync(f)).toBe(true);
    expect(readdirSync(out).some((f) => f.includes(".tmp-"))).toBe(false);
    expect(r.stderr).toMatch(/matrix-sensing: +\d+%/); // progress goes to stderr
  });

  it("prints each override to stderr as it is applied and stores the overrides in params.json", () => {
    const out = tmp();
    const r = cli(["run", "matrix-sensing", "--preset", "quick", "--set", "T=200", "--set", "alphas=0.1,0.2", "--out", out, "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/matrix-sensing: override T = 200 \(preset quick: 6000\)/);
    expect(r.stderr).toMatch(/override alphas = 0\.1,0\.2/);
    const saved = JSON.parse(readFileSync(join(out, "params.json"), "utf8"));
    expect(saved.overrides).toEqual({ T: 200, alphas: [0.1, 0.2] });
    expect(saved.params.T).toBe(200);
    expect(JSON.parse(r.stdout).overrides).toEqual({ T: 200, alphas: [0.1, 0.2] });
  });
});

describe("bad input to the CLI", () => {
  it("names an unknown experiment and lists the available ones", () => {
    expectUsageError(["run", "matrix-sensin", "--json"], /^lowrank-lab: unknown experiment 'matrix-sensin'; available: .*matrix-sensing/);
  });
  it("names an unknown parameter and lists the known ones", () => {
    expectUsageError(["run", "matrix-sensing", "--preset", "quick", "--set", "bogus=1"], /^lowrank-lab: unknown parameter 'bogus' for matrix-sensing; known: /);
  });
  it("names a parameter given the wrong type and says what is allowed", () => {
    const [name] = JSON.parse(cli(["list", "--json"]).stdout)[0].params.filter((p: { type: string }) => p.type === "int").map((p: { name: string }) => p.name);
    expectUsageError(["run", "matrix-sensing", "--set", `${name}=many`], new RegExp(`^lowrank-lab: parameter ${name}=many has the wrong type; allowed: an integer`));
  });
  it("names a parameter out of range and gives the range", () => {
    const p = JSON.parse(cli(["list", "--json"]).stdout)[0].params.find((q: { max?: number }) => q.max !== undefined);
    expectUsageError(["run", "matrix-sensing", "--set", `${p.name}=${p.max * 10 + 1}`], new RegExp(`^lowrank-lab: parameter ${p.name}=\\S+ is out of range; allowed: .*<= ${p.max}`));
  });
  it("names an unknown preset", () => {
    expectUsageError(["run", "matrix-sensing", "--preset", "huge"], /^lowrank-lab: unknown preset 'huge' for matrix-sensing; available: .*quick/);
  });
  it("rejects a bad seed", () => {
    expectUsageError(["run", "matrix-sensing", "--seed=-1"], /^lowrank-lab: seed -1 is not allowed; allowed: an integer from 0/);
    expectUsageError(["run", "matrix-sensing", "--seed", "1.5"], /^lowrank-lab: seed 1.5 is not allowed/);
    expectUsageError(["run", "matrix-sensing", "--seed", "-1"], /^lowrank-lab: run: Option '--seed' argument is ambiguous.*'--seed=-XYZ'/);
  });
  it("rejects an unknown option and lists the known ones", () => {
    expectUsageError(["run", "matrix-sensing", "--fast"], /^lowrank-lab: run: Unknown option '--fast'; options: --preset/);
  });
  it("rejects an unwritable output folder before doing any work", () => {
    const file = join(tmp(), "a-file");
    writeFileSync(file, "x");
    expectUsageError(["run", "matrix-sensing", "--preset", "quick", "--out", join(file, "sub")], /^lowrank-lab: output folder .* is not writable/);
    const locked = tmp();
    chmodSync(locked, 0o500);
    if (process.getuid?.() !== 0) expectUsageError(["reproduce", "--out", join(locked, "x")], /not writable/);
  });
  it("checks cross-field constraints before creating the output folder", () => {
    const out = join(tmp(), "never-made");
    expectUsageError(["run", "matrix-sensing", "--set", "k=2", "--set", "r=2", "--out", out], /^lowrank-lab: matrix-sensing: .*k=2.*r=2/);
    expect(existsSync(out)).toBe(false);
  });
  it("refuses an output folder on a pseudo filesystem at once", () => {
    const start = Date.now();
    expectUsageError(["run", "matrix-sensing", "--preset", "quick", "--out", "/proc/forbidden/x"], /^lowrank-lab: output folder \/proc\/forbidden\/x is not writable/);
    expect(Date.now() - start).toBeLessThan(1000); // a node start-up and a stat: the folder is checked before the experiments load
  });
  it("rejects an unknown command", () => {
    expectUsageError(["reproduse"], /^lowrank-lab: unknown command 'reproduse'; available: list, run, reproduce, ([\w-]+, )*doctor, kernel/);
  });
  it("rejects an unknown backend in LOWRANK_BACKEND and an unavailable one", () => {
    expectUsageError(["doctor"], /^lowrank-lab: LOWRANK_BACKEND=gpu is not a backend; allowed: tensorflow-gpu, webgpu, tensorflow, wasm, cpu/, { LOWRANK_BACKEND: "gpu" });
  });
});

describe("lowrank-lab doctor", () => {
  it("says which backend runs and why the native ones did not load", () => {
    const r = cli(["doctor", "--json"]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(["tensorflow-gpu", "tensorflow", "wasm", "cpu"]).toContain(d.backend);
    const failed = d.attempts.filter((a: { loaded: boolean }) => !a.loaded);
    for (const a of failed) expect(a.reason.length).toBeGreaterThan(0);
  });
  it("honours LOWRANK_BACKEND=cpu", () => {
    const d = JSON.parse(cli(["doctor", "--json"], { LOWRANK_BACKEND: "cpu" }).stdout);
    expect(d).toMatchObject({ backend: "cpu", chosenBy: "LOWRANK_BACKEND" });
  });
});

describe("lowrank-lab seeds", () => {
  it("counts, claim by claim, on how many seeds of a block each holds", () => {
    const r = cli(["seeds", "matrix-sensing", "--from", "40", "--count", "2", "--set", "T=400", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ experiment: "matrix-sensing", preset: "quick", seeds: { from: 40, count: 2 } });
    expect(j.claims.length).toBeGreaterThan(0);
    for (const c of j.claims) {
      expect(c.runs).toBe(2);
      expect(c.held + c.failedSeeds.length).toBe(2);
    }
  });
  it("rejects a bad count before running anything", () => {
    expectUsageError(["seeds", "matrix-sensing", "--count", "0"], /^lowrank-lab: seeds: --count 0 is not allowed; allowed: an integer >= 1$/);
  });
});

describe("lowrank-lab sweep", () => {
  const sweepArgs = ["sweep", "matrix-sensing", "--preset", "quick", "--grid", "k=4,5", "--grid", "seed=1,2", "--json"];

  it("computes each point once: 4 computed, then 4 cached and 0 computed, with the merged table under --out", () => {
    const dir = tmp();
    const [cache, out] = [join(dir, "cache"), join(dir, "out")];
    const r = cli([...sweepArgs, "--cache", cache, "--out", out, "--jobs", "2"]);
    expect(r.code, r.stderr).toBe(0);
    const first = JSON.parse(r.stdout);
    expect(first).toMatchObject({ experiment: "matrix-sensing", points: 4, computed: 4, cached: 0, failed: 0, table: join(out, "matrix-sensing.csv") });
    expect(first.elapsedMs).toBeGreaterThan(0);
    expect(readdirSync(join(cache, "matrix-sensing")).filter((f) => /^[0-9a-f]{24}\.json$/.test(f))).toHaveLength(4);
    const csv = readFileSync(first.table, "utf8");
    expect(csv.split("\n")[0]).toMatch(/^k,seed,/);
    const again = cli([...sweepArgs, "--cache", cache, "--out", join(dir, "out2")]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ points: 4, computed: 0, cached: 4, failed: 0 });
    expect(readFileSync(join(dir, "out2", "matrix-sensing.csv"), "utf8")).toBe(csv);
  });

  // Each kind of bad grid once, through the CLI; src/sweep/grid.test.ts covers the parser case by case.
  it("rejects every bad grid with exit 2 and one line, before any point runs or anything is written", () => {
    const dir = tmp();
    const [cache, out] = [join(dir, "cache"), join(dir, "out")];
    const bad: Array<[string[], RegExp]> = [
      [["--grid", "q=1,2"], /^lowrank-lab: --grid q=1,2: unknown key 'q'; allowed: n, r, .*, seed$/],
      [["--grid", "k="], /^lowrank-lab: --grid k=: empty value in the list/],
      [["--grid", "k=5..1"], /^lowrank-lab: --grid k=5..1: a..b needs integers a <= b/],
      [["--grid", "eta=1e-3..x:log:3"], /^lowrank-lab: --grid eta=1e-3..x:log:3: 'x' is not a number/],
      [["--grid", "seed=0..1000", "--grid", "k=4,5"], /^lowrank-lab: the grid has 2002 points; allowed: at most 1000 without --yes$/],
      [["--grid", "k=4,1000"], /^lowrank-lab: parameter k=1000 is out of range/],
      [["--grid", "k=4", "--wait"], /^lowrank-lab: sweep: --wait needs --executor slurm$/],
    ];
    for (const [args, pattern] of bad) expectUsageError(["sweep", "matrix-sensing", "--preset", "quick", ...args, "--cache", cache, "--out", out], pattern);
    expect(existsSync(cache)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });
});

describe("lowrank-lab reproduce", () => {
  it("writes figures, tables, summary.json and a self-contained report.html", () => {
    const out = tmp();
    const r = cli(["reproduce", "matrix-sensing", "--preset", "quick", "--out", out]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.runs.map((x: { experiment: string }) => x.experiment)).toEqual(["matrix-sensing"]);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|src="http/);
    expect(readdirSync(join(out, "matrix-sensing")).some((f) => f.endsWith(".png"))).toBe(true);
  });

  it("runs experiments in worker processes with --jobs 2, with the numbers of --jobs 1, and leaves no cache behind", () => {
    const names = ["matrix-sensing", "matrix-completion"];
    const runs = [1, 2].map((jobs) => {
      const out = tmp(), scratch = tmp();
      const r = cli(["reproduce", ...names, "--preset", "quick", "--jobs", String(jobs), "--out", out], { TMPDIR: scratch });
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(scratch).filter((f) => f.startsWith("lowrank-reproduce-"))).toEqual([]);
      for (const name of names) expect(readdirSync(join(out, name)).some((f) => f.endsWith(".svg"))).toBe(true);
      return { r, summary: JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) };
    });
    expect(runs[1].r.stderr).toMatch(/2 experiments in 2 worker processes/);
    type Run = { experiment: string; metrics: Record<string, number>; claims: { id: string; holds: boolean }[]; cached: boolean };
    const view = (s: { runs: Run[] }) => s.runs.map((x) => ({ experiment: x.experiment, metrics: x.metrics, claims: x.claims.map((c) => [c.id, c.holds]), cached: x.cached }));
    expect(view(runs[1].summary)).toEqual(view(runs[0].summary));
  });

  it("stops its workers on Ctrl-C, removes its temporary cache and writes no report", async () => {
    const out = tmp(), scratch = tmp();
    const child = spawn(process.execPath, [cliPath, "reproduce", "matrix-sensing", "robust-recovery", "--preset", "quick", "--jobs", "2", "--out", out], {
      env: { ...process.env, TMPDIR: scratch }, stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
      // Interrupt once both workers are computing.
      if (/matrix-sensing: +\d+%/.test(stderr) && /robust-recovery: +\d+%/.test(stderr) && !child.killed) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/reproduce: interrupted; .*no report written/);
    expect(existsSync(join(out, "report.html"))).toBe(false);
    expect(readdirSync(scratch).filter((f) => f.startsWith("lowrank-reproduce-"))).toEqual([]);
  }, 120_000);

  it("refuses a --jobs that is not a whole number ≥ 1", () => {
    expectUsageError(["reproduce", "--jobs", "0", "--out", tmp()], /reproduce: --jobs 0 is not allowed; allowed: an integer >= 1/);
  });
});
