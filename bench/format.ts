/**
 * What `npm run bench` prints: the readable table, and with `--json` one JSON object as the last
 * stdout line, `{machine: {cpus, model}, rows: [...]}`. Kept apart from run.ts so that it can be
 * tested without running a bench.
 */
import { availableParallelism, cpus } from "node:os";
import type { BenchRow } from "./row.js";

export interface Machine {
  /** Cores this process may use (os.availableParallelism()). */
  cpus: number;
  /** The first core's model name, as os.cpus() gives it. */
  model: string;
}

export function machineInfo(): Machine {
  const list = cpus();
  return { cpus: availableParallelism(), model: list[0]?.model.trim() ?? "unknown" };
}

/** The fields every JSON row carries, null where the reference did not run. */
const fixed = ["name", "oursMs", "refMs", "ratio", "refOneThreadMs", "ratioOneThread"] as const;

/**
 * The `--json` line: one JSON object on one line. Every row has name, oursMs, refMs, ratio,
 * refOneThreadMs and ratioOneThread (null when the reference is missing), then the CPU fields that
 * were measured.
 */
export function formatJson(rows: BenchRow[], machine: Machine = machineInfo()): string {
  const out = rows.map((r) => {
    const row: Record<string, string | number | null> = {};
    for (const key of fixed) row[key] = r[key] ?? null;
    for (const [key, value] of Object.entries(r)) if (!(key in row) && value !== undefined) row[key] = value;
    return row;
  });
  return JSON.stringify({ machine: { cpus: machine.cpus, model: machine.model }, rows: out });
}

/**
 * The readable table: wall ms on each side, ours over the reference as installed (all threads)
 * and on one thread, and the one-thread ratio in CPU time. Below 1 means lowrank-lab is faster.
 */
export function formatTable(rows: BenchRow[]): string {
  const ms = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(1));
  const ratio = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(2) + "×");
  const width = Math.max(44, ...rows.map((r) => r.name.length + 2));
  const head = ["ours ms", "ref ms", "ref 1T ms", "ours/ref", "ours/ref 1T", "CPU ours/1T"];
  const lines = [`${"benchmark".padEnd(width)}${head.map((h) => h.padStart(12)).join("")}`];
  for (const r of rows) {
    const cells = [ms(r.oursMs), ms(r.refMs), ms(r.refOneThreadMs), ratio(r.ratio), ratio(r.ratioOneThread), ratio(r.ratioOneThreadCpu)];
    lines.push(`${r.name.padEnd(width)}${cells.map((c) => c.padStart(12)).join("")}`);
  }
  return lines.join("\n");
}

/** The benches `--only` may name, in the order `npm run bench` runs them. */
export const benchNames = ["matrix-sensing", "svd", "double-descent", "attention", "intrinsic-dimension", "spectra", "robust-recovery", "matrix-completion"] as const;
export type BenchName = (typeof benchNames)[number];

export interface BenchArgs {
  json: boolean;
  /** Timed runs per side of a row at least, the best counting (`--repeats`, default 3; see `bestOf`). */
  repeats: number;
  /** The benches to run: all of them unless `--only a,b` names some. */
  only: BenchName[];
}

/** `npm run bench -- [--json] [--only name[,name…]] [--repeats N]`; throws on anything else. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { json: false, repeats: 3, only: [...benchNames] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") args.json = true;
    else if (a === "--only" || a.startsWith("--only=")) {
      const value = a === "--only" ? argv[++i] : a.slice("--only=".length);
      if (!value) throw new Error("--only needs a bench name");
      const names = value.split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(benchNames as readonly string[]).includes(n));
      if (unknown.length || !names.length) throw new Error(`unknown bench ${unknown.join(", ") || value}; one of ${benchNames.join(", ")}`);
      args.only = benchNames.filter((n) => names.includes(n));
    } else if (a === "--repeats" || a.startsWith("--repeats=")) {
      const value = a === "--repeats" ? argv[++i] : a.slice("--repeats=".length);
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error(`--repeats takes a whole number from 1 to 20, not ${value ?? "nothing"}`);
      args.repeats = n;
    } else throw new Error(`unknown argument ${a}; usage: npm run bench -- [--json] [--only ${benchNames.join("|")}[,…]] [--repeats N]`);
  }
  return args;
}
