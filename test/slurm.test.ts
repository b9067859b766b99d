/**
 * `lowrank-lab sweep --executor slurm` against a real one-node Slurm cluster on this machine
 * (test/slurm/cluster.sh: its own slurm.conf, munge key, state and spool folders and ports, in a
 * temporary folder). A 6-point sweep runs as one job array, one task at a time; one pending task and
 * one running task are cancelled with scancel; re-submission must compute just those two points, and
 * the merged table must equal a local `--jobs 1` sweep of the same grid byte for byte. Then
 * `lab.sweep(..., {executor: "slurm"})` from this process must return the in-process table.
 *
 * Needs Debian's slurm-wlm and munge, and root (the cluster's SlurmUser), or sudo without a password.
 * Skipped where slurm-wlm is not installed, except under CI (CI set), where that is a failure.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, root } from "./cli.js";

const clusterScript = join(root, "test", "slurm", "cluster.sh");
const onPath = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
const missing = [
  ...["sbatch", "squeue", "scancel", "sinfo"].filter((c) => !onPath(c)),
  ...["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged"].filter((f) => !existsSync(f)),
];
const skip = missing.length > 0 && !process.env.CI;
if (skip) {
  console.warn(`test/slurm.test.ts skipped: slurm-wlm and munge are not installed (missing ${missing.join(", ")}); install them with apt-get install slurm-wlm munge`);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI as a child process; `onStderr` sees stderr as it arrives. */
function cli(args: string[], env: Record<string, string>, onStderr?: (all: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      onStderr?.(stderr);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Two free consecutive ports (slurmctld's and slurmd's), so that clusters started side by side do not collide. */
async function freePorts(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error("no two free consecutive ports between 20000 and 40000");
}

const asRoot = (args: string[]) => (process.getuid?.() === 0 ? args : ["sudo", "-n", ...args]);

describe.skipIf(skip)("lowrank-lab sweep --executor slurm on a one-node Slurm cluster", () => {
  let dir = "";
  let env: Record<string, string> = {};
  const grid = ["sweep", "matrix-sensing", "--preset", "quick", "--grid", "k=3,4", "--grid", "seed=0..2", "--json"];
  let cache = "";
  let first: { summary: Record<string, any>; jobId: string; taskDir: string; stderr: string } | undefined;

  beforeAll(async () => {
    if (missing.length) throw new Error(`slurm-wlm and munge are needed under CI (missing ${missing.join(", ")}); .ci/run installs them`);
    dir = mkdtempSync(join(tmpdir(), "lowrank-slurm-"));
    cache = join(dir, "cache");
    const [cmd, ...args] = asRoot(["sh", clusterScript, "start", join(dir)]);
    const r = spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, SLURM_TEST_PORT: String(await freePorts()) }, timeout: 60_000 });
    const conf = /export SLURM_CONF=(\S+)/.exec(r.stdout ?? "")?.[1];
    if (r.status !== 0 || !conf) throw new Error(`cluster.sh start failed (exit ${r.status}): ${r.stderr}${r.stdout}`);
    env = { SLURM_CONF: conf };
  });

  afterAll(() => {
    if (!dir) return;
    const [cmd, ...args] = asRoot(["sh", clusterScript, "stop", dir]);
    spawnSync(cmd, args, { stdio: "ignore", timeout: 60_000 });
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // files the daemons wrote as root, when this ran through sudo
    }
  });

  it("runs the sweep as one job array; a cancelled pending task and a cancelled running task are reported as failed, nothing half-written", async () => {
    let jobId = "";
    let taskDir = "";
    let ended: Run | undefined;
    const run = cli([...grid, "--cache", cache, "--out", join(dir, "out1"), "--executor", "slurm", "--max-parallel", "1", "--wait"], env, (err) => {
      const m = /submitted job array (\d+) .*script (\S+)\/job\.sbatch/.exec(err);
      if (m) [jobId, taskDir] = [m[1], m[2]];
    }).then((r) => (ended = r));
    await until("the job array's submission", () => {
      if (ended && !jobId) throw new Error(`the sweep ended before it submitted (exit ${ended.code}): ${ended.stderr}`);
      return jobId !== "";
    });
    // While the array runs, submitting the same sweep again queues nothing: every point is done or in flight.
    const again = await cli([...grid, "--cache", cache, "--out", join(dir, "out-again"), "--executor", "slurm"], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`pending or running in job ${jobId}, 0 to run`));
    expect(JSON.parse(again.stdout).jobId).toBeUndefined();
    // The last task is still pending (one task at a time); task 2 is cancelled once it has started its work.
    expect(spawnSync("scancel", [`${jobId}_5`], { env: { ...process.env, ...env } }).status).toBe(0);
    await until("task 2 to start", () => existsSync(join(taskDir, "task-2.log")) && readFileSync(join(taskDir, "task-2.log"), "utf8").includes("sweep-point: started"));
    expect(spawnSync("scancel", [`${jobId}_2`], { env: { ...process.env, ...env } }).status).toBe(0);
    const r = await run;
    expect(r.code, r.stderr).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ experiment: "matrix-sensing", points: 6, computed: 4, cached: 0, failed: 2, jobId });
    const failures = summary.failures as Array<{ point: Record<string, number>; error: string; file: string }>;
    expect(failures.map((f) => f.point)).toEqual([{ k: 3, seed: 2 }, { k: 4, seed: 2 }]);
    expect(failures[0].error).toMatch(/task 2 \(job \d+\) was cancelled \(SIGTERM/);
    expect(failures[1].error).toMatch(/ended without a result for this point/);
    for (const f of failures) expect(f.file).toMatch(/\.error\.txt$/);
    const files = readdirSync(join(cache, "matrix-sensing"));
    expect(files.filter((f) => f.endsWith(".json"))).toHaveLength(4);
    expect(files.filter((f) => f.endsWith(".error.txt"))).toHaveLength(2);
    expect(files.filter((f) => f.includes(".tmp"))).toEqual([]);
    first = { summary, jobId, taskDir, stderr: r.stderr };

    // What a task costs beyond its work: from one task's end to the next one's first line (Slurm
    // scheduling, process start, module loading), where tasks ran one after another.
    const stamp = (i: number, what: "started" | "done") => {
      const log = join(taskDir, `task-${i}.log`);
      const m = existsSync(log) ? new RegExp(`sweep-point: ${what} (\\S+)`).exec(readFileSync(log, "utf8")) : null;
      return m ? Date.parse(m[1]) : NaN;
    };
    const gaps = [0, 1, 3].map((i) => stamp(i + 1, "started") - stamp(i, "done")).filter(Number.isFinite);
    console.log(`slurm task overhead (previous task's end to the next task's first line), ms: ${gaps.join(", ")}`);
  });

  it("re-submission computes only the missing points, and the merged table equals a local --jobs 1 sweep byte for byte", async () => {
    expect(first, "the first run did not complete").toBeDefined();
    const r = await cli([...grid, "--cache", cache, "--out", join(dir, "out2"), "--executor", "slurm", "--wait"], env);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ points: 6, computed: 2, cached: 4, failed: 0, missing: 0 });
    expect(summary.jobId).not.toBe(first!.jobId);
    expect(r.stderr).toMatch(/6 points, 4 cached, 2 to run as a Slurm job array/);
    // The new array holds exactly the two points that were cancelled.
    const submitted = readdirSync(join(cache, "matrix-sensing", "slurm")).map((d) => join(cache, "matrix-sensing", "slurm", d)).filter((d) => d !== first!.taskDir);
    expect(submitted).toHaveLength(1);
    const tasks = JSON.parse(readFileSync(join(submitted[0], "tasks.json"), "utf8")) as Array<{ params: { k: number }; seed: number }>;
    expect(tasks.map((t) => ({ k: t.params.k, seed: t.seed }))).toEqual([{ k: 3, seed: 2 }, { k: 4, seed: 2 }]);
    expect(readdirSync(join(cache, "matrix-sensing")).filter((f) => f.endsWith(".error.txt"))).toEqual([]);

    const local = await cli([...grid, "--cache", join(dir, "cache-local"), "--out", join(dir, "out-local"), "--jobs", "1"], {});
    expect(local.code, local.stderr).toBe(0);
    expect(JSON.parse(local.stdout)).toMatchObject({ points: 6, computed: 6, cached: 0, failed: 0 });
    const ours = readFileSync(summary.table as string);
    const theirs = readFileSync(join(dir, "out-local", "matrix-sensing.csv"));
    expect(ours.toString("utf8").split("\n")[0]).toMatch(/^k,seed,/);
    expect(ours.toString("utf8")).toBe(theirs.toString("utf8"));
    expect(ours.equals(theirs)).toBe(true);
  });

  it("lab.sweep with executor slurm submits one array from this process, follows it on the progress bar and returns the in-process table; without wait it returns a summary and a later call picks up what is done", async () => {
    const lab = await import("../dist/src/index.js");
    const labCache = join(dir, "cache-lab");
    const common = { preset: "quick", params: { T: 400 }, cacheDir: labCache, executor: "slurm" } as const;
    const saved = process.env.SLURM_CONF;
    process.env.SLURM_CONF = env.SLURM_CONF;
    try {
      // The CLI's checks, as one-line UsageErrors, before anything is written.
      const bad = await lab.sweep("matrix-sensing", { k: [3, 4] }, { ...common, maxParallel: 0 }).catch((e: Error) => e);
      expect(bad).toBeInstanceOf(Error);
      expect((bad as Error).name).toBe("UsageError");
      expect((bad as Error).message).toMatch(/^sweep: maxParallel 0 is not allowed; allowed: an integer >= 1$/);
      expect(existsSync(labCache)).toBe(false);

      const polls: Array<{ done: number; total: number; detail?: string }> = [];
      const table = await lab.sweep("matrix-sensing", { k: [3, 4] }, { ...common, progress: (done, total, detail) => polls.push({ done, total, detail }) });
      const local = await lab.sweep("matrix-sensing", { k: [3, 4] }, { ...common, executor: undefined, cacheDir: join(dir, "cache-lab-local"), progress: false });
      expect(table.toCSV()).toBe(local.toCSV());
      expect(polls.length).toBeGreaterThan(0);
      expect(polls.every((p) => p.total === 2 && p.done <= 2)).toBe(true);
      expect(polls.at(-1)).toMatchObject({ done: 2, total: 2 });
      expect(polls[0].detail).toMatch(/^job \d+: /);
      const slurmDirs = () => readdirSync(join(labCache, "matrix-sensing", "slurm"));
      expect(slurmDirs()).toHaveLength(1);
      expect(JSON.parse(readFileSync(join(labCache, "matrix-sensing", "slurm", slurmDirs()[0], "tasks.json"), "utf8"))).toHaveLength(2);

      // Without wait: a summary at once, and only the missing point submitted.
      const summary = await lab.sweep("matrix-sensing", { k: [3, 4, 5] }, { ...common, wait: false });
      expect(summary).toMatchObject({ experiment: "matrix-sensing", points: 3, cached: 2, submitted: 1, queued: 0, failed: 0 });
      expect(summary.jobId).toMatch(/^\d+$/);
      expect(slurmDirs()).toHaveLength(2);
      // The same grid later: nothing submitted again (the point is pending, running or done), the whole table back.
      const all = await lab.sweep("matrix-sensing", { k: [3, 4, 5] }, { ...common, progress: false });
      expect(slurmDirs()).toHaveLength(2);
      const localAll = await lab.sweep("matrix-sensing", { k: [3, 4, 5] }, { ...common, executor: "local", cacheDir: join(dir, "cache-lab-local"), progress: false });
      expect(all.toCSV()).toBe(localAll.toCSV());
    } finally {
      if (saved === undefined) delete process.env.SLURM_CONF;
      else process.env.SLURM_CONF = saved;
    }
  });
});
