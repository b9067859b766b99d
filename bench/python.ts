/**
 * Runs a reference script of bench/ (numpy or PyTorch doing the work a bench times) and reads
 * the JSON it prints last. The pyenv `python3` first on PATH may lack a package that Debian's
 * /usr/bin/python3 has (python3-torch), so each interpreter is tried in turn: a script exits 3
 * when its package is missing, and the next one is tried. BLAS and OpenMP run on one thread,
 * as our loops do, so a ratio compares code rather than core counts.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Exit status of a reference script whose package (numpy, torch) is not installed. */
export const MISSING_PACKAGE = 3;

const single = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

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
    const res = spawnSync(python, [script, JSON.stringify(args)], { encoding: "utf8", env: oneThread ? { ...process.env, ...single } : process.env, maxBuffer: 1 << 20 });
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
