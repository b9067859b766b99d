/**
 * Runs a reference script of bench/ (numpy or PyTorch doing the work a bench times) and reads
 * the JSON it prints last. The pyenv `python3` first on PATH may lack a package that Debian's
 * /usr/bin/python3 has (python3-torch), so each interpreter is tried in turn: a script exits 3
 * when its package is missing, and the next one is tried. Each reference runs twice per bench
 * (`runReference`): as installed, with the thread variables below removed from its environment
 * so BLAS, OpenMP and PyTorch take every thread they would by default, and on one thread, with
 * them set to 1 (the PyTorch scripts then also call torch.set_num_threads(1)).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bestOf, fasterOf, type Timing } from "./row.js";

/** Exit status of a reference script whose package (numpy, torch) is not installed. */
export const MISSING_PACKAGE = 3;

const single = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

/** This process's environment with (`oneThread`) every thread variable set to 1, or (as installed) none of them set. */
function referenceEnv(oneThread: boolean): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(single)) delete env[key];
  return oneThread ? { ...env, ...single } : env;
}

/** The script sits beside the bench sources; compiled, this file is in dist/bench/. */
export function benchScript(name: string): string | undefined {
  return [`./${name}`, `../../bench/${name}`].map((p) => fileURLToPath(new URL(p, import.meta.url))).find((p) => existsSync(p));
}

/**
 * The last stdout line of `script args` parsed as JSON, from the first interpreter that has the
 * script's package; undefined (with the reason on stderr, labelled `label`) when none ran it.
 * `oneThread = false` leaves BLAS threads as installed (what a user of numpy gets).
 */
export function runPythonJson<T>(label: string, scriptName: string, args: unknown, pythons = ["python3", "/usr/bin/python3"], oneThread = true): T | undefined {
  const script = benchScript(scriptName);
  if (!script) {
    process.stderr.write(`${label}: reference run skipped (${scriptName} not found)\n`);
    return undefined;
  }
  const reasons: string[] = [];
  for (const python of pythons) {
    const res = spawnSync(python, [script, JSON.stringify(args)], { encoding: "utf8", env: referenceEnv(oneThread), maxBuffer: 1 << 20 });
    const why = res.error?.message ?? res.stderr.trim().split("\n").pop() ?? `exit ${res.status}`;
    if (!res.error && res.status === 0) {
      const lines = res.stdout.trim().split("\n");
      return JSON.parse(lines[lines.length - 1]) as T;
    }
    reasons.push(`${python}: ${why}`);
    if (!res.error && res.status !== MISSING_PACKAGE) break; // the package is there but the script failed: say so, do not hide it
  }
  process.stderr.write(`${label}: reference run skipped (${reasons.join("; ")})\n`);
  return undefined;
}

/** A reference's results as installed (all threads) and on one thread; either is undefined when that run did not happen. */
export interface ReferenceRuns<T> {
  installed?: T;
  oneThread?: T;
}

/**
 * `runPythonJson` twice in a row with the same arguments: the reference as installed, then on one
 * thread. When the first run finds no interpreter with the package, the second is not tried.
 */
export function runReference<T>(label: string, scriptName: string, args: unknown, pythons?: string[]): ReferenceRuns<T> {
  const installed = runPythonJson<T>(`${label} (as installed)`, scriptName, args, pythons, false);
  if (installed === undefined) return {};
  return { installed, oneThread: runPythonJson<T>(`${label} (one thread)`, scriptName, args, pythons, true) };
}

/**
 * Our timings and the reference's (as installed, then on one thread), `rounds` times in turn,
 * each side's rounds folded by `faster` (the best time counting). Taking turns means a slow
 * stretch of a shared machine, which here lasts seconds to minutes, slows every side alike rather
 * than one side's block of runs. Once a round finds no interpreter with the package, the
 * reference is not tried again (the reason is on stderr once).
 */
export async function takeTurns<O, T>(
  rounds: number, ours: () => Promise<O>, reference: () => ReferenceRuns<T>,
  fasterOurs: (a: O | undefined, b: O) => O, fasterRef: (a: T | undefined, b: T) => T,
): Promise<{ ours: O } & ReferenceRuns<T>> {
  let mine: O | undefined, installed: T | undefined, oneThread: T | undefined, missing = false;
  for (let r = 0; r < Math.max(1, rounds); r++) {
    mine = fasterOurs(mine, await ours());
    if (missing) continue;
    const runs = reference();
    if (runs.installed === undefined) missing = true;
    else installed = fasterRef(installed, runs.installed);
    if (runs.oneThread) oneThread = fasterRef(oneThread, runs.oneThread);
  }
  return { ours: mine!, installed, oneThread };
}

/**
 * `takeTurns` for one piece of work against one reference script: `work` timed by `bestOf`, the
 * script by its `best_of`, one run a round at least. The reference's other fields come from its
 * last round. `warmUp`: where the script makes one untimed call before it times (svd_numpy.py
 * does, in every run), ours makes one too at the start of every round, so that both sides time
 * calls that follow a call, not one that follows the other side's run.
 */
export function interleaved<T extends Timing>(
  rounds: number, work: () => unknown, label: string, scriptName: string, args: Record<string, unknown>, warmUp = false,
): Promise<{ ours: Required<Timing> } & ReferenceRuns<T>> {
  const ours = async () => {
    if (warmUp) await work();
    return bestOf(1, work);
  };
  return takeTurns(rounds, ours, () => runReference<T>(label, scriptName, { ...args, repeats: 1 }), fasterOf, fasterOf);
}
