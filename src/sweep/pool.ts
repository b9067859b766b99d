/**
 * Local parallelism: `jobs` child processes (node's fork), each running one point at a time
 * through the shared cache, fed from one queue in grid order. Points are independent and each
 * cache file is written atomically, so workers share nothing but the folder. A worker that
 * dies takes only its point with it (recorded as failed), and is replaced.
 */
import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { PointOutcome, PointTask } from "./point.js";
import type { WorkerMessage } from "./worker.js";

const workerPath = fileURLToPath(new URL("./worker.js", import.meta.url));

export interface PoolOptions {
  jobs: number;
  /** Called as each point ends, with its index in `tasks`. */
  onDone?: (index: number, outcome: PointOutcome) => void;
  onStart?: (index: number) => void;
  /** Progress of the point at `index`, as its run reports it (at most every 250 ms or 1%). */
  onProgress?: (index: number, done: number, total: number, label?: string) => void;
  signal?: AbortSignal;
}

/**
 * The environment of each worker: the parent's, with LOWRANK_THREADS set to the worker's share
 * of the cores (at least 1) unless the user set it. Each worker's kernels would otherwise start a
 * thread per core, and `jobs` workers would run jobs × cores threads on the same cores.
 */
export function workerEnv(jobs: number, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): NodeJS.ProcessEnv {
  if (env.LOWRANK_THREADS !== undefined) return env;
  return { ...env, LOWRANK_THREADS: String(Math.max(1, Math.floor(cores / jobs))) };
}

export async function runPool(tasks: PointTask[], options: PoolOptions): Promise<PointOutcome[]> {
  const outcomes: PointOutcome[] = new Array(tasks.length);
  let next = 0;
  const jobs = Math.max(1, Math.min(options.jobs, tasks.length));
  const env = workerEnv(jobs);
  const live = new Set<ChildProcess>();
  const abort = () => {
    for (const c of live) c.kill("SIGTERM");
  };
  options.signal?.addEventListener("abort", abort, { once: true });

  const lane = (): Promise<void> =>
    new Promise((resolve) => {
      let child: ChildProcess | undefined;
      let current = -1;
      const spawn = () => {
        const c = fork(workerPath, [], { stdio: ["ignore", "ignore", "inherit", "ipc"], serialization: "advanced", env });
        live.add(c);
        c.on("message", (m: WorkerMessage) => {
          if ("progress" in m) {
            options.onProgress?.(m.id, ...m.progress);
            return;
          }
          outcomes[m.id] = m.outcome;
          options.onDone?.(m.id, m.outcome);
          current = -1;
          feed();
        });
        c.on("exit", (code, sig) => {
          live.delete(c);
          if (current >= 0) {
            const outcome = { ok: false, cached: false, durationMs: 0, error: `worker process ended (${sig ?? `exit ${code}`}) while running this point` };
            outcomes[current] = outcome;
            options.onDone?.(current, outcome);
            current = -1;
            child = undefined;
            if (!options.signal?.aborted) feed();
            else resolve();
          }
        });
        return c;
      };
      const feed = () => {
        if (next >= tasks.length || options.signal?.aborted) {
          child?.disconnect();
          child = undefined;
          resolve();
          return;
        }
        current = next++;
        child ??= spawn();
        options.onStart?.(current);
        child.send({ id: current, task: tasks[current] });
      };
      feed();
    });

  try {
    await Promise.all(Array.from({ length: jobs }, lane));
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
  return outcomes;
}
