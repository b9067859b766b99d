/**
 * A sweep grid: {param: [values...]} expands to the cartesian product of its values, the
 * first key varying slowest (as nested for-loops written in the grid's order). The key
 * `seed` sweeps seeds rather than a parameter, for repeats and error bars.
 */
import { UsageError } from "../compute/usageError.js";

export type Grid = Record<string, readonly unknown[]>;

/** One point: a value for each swept key. */
export type GridPoint = Record<string, unknown>;

export function checkGrid(grid: unknown): Grid {
  if (!grid || typeof grid !== "object" || Array.isArray(grid)) {
    throw new UsageError(`sweep: grid must be an object {param: [values...]}; got ${Array.isArray(grid) ? "an array" : String(grid)}`);
  }
  for (const [name, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new UsageError(`sweep: grid.${name} must be a non-empty array of values; got ${JSON.stringify(values)}`);
    }
  }
  return grid as Grid;
}

/** All points of the grid, in order; an empty grid is the one point {}. */
export function expandGrid(grid: Grid): GridPoint[] {
  let points: GridPoint[] = [{}];
  for (const [name, values] of Object.entries(checkGrid(grid))) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  return points;
}

/** The most points a command-line sweep runs without `--yes`. */
export const MAX_POINTS_WITHOUT_YES = 1000;

function gridNumber(text: string, arg: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--grid ${arg}: '${text}' is not a number; allowed: v1,v2,... or a..b (integers) or a..b:lin:N or a..b:log:N`);
  return n;
}

/** A value as typed: a number when it reads as one, true/false, otherwise the string (the schema checks it). */
function gridValue(text: string): unknown {
  const t = text.trim();
  if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  if (t === "true" || t === "false") return t === "true";
  return t;
}

/**
 * One `--grid key=spec`: `v1,v2,...`, `a..b` (integers a to b inclusive), `a..b:lin:N` or
 * `a..b:log:N` (N values spaced evenly, or evenly in log, from a to b inclusive).
 * `allowed` names the keys that may be swept (the experiment's params and `seed`).
 */
export function parseGridArg(arg: string, allowed: readonly string[]): [string, unknown[]] {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new UsageError(`--grid ${arg} is not key=values; allowed: key=v1,v2,... or key=a..b or key=a..b:log:N, e.g. --grid seed=0..9`);
  const key = arg.slice(0, eq).trim();
  const spec = arg.slice(eq + 1).trim();
  if (!allowed.includes(key)) throw new UsageError(`--grid ${arg}: unknown key '${key}'; allowed: ${allowed.join(", ")}`);
  const range = /^([^.:]+|[^:]*?\d)\.\.([^:]+)(?::(lin|log):(.+))?$/.exec(spec);
  if (range && !spec.includes(",")) {
    const a = gridNumber(range[1], arg);
    const b = gridNumber(range[2], arg);
    if (range[3] === undefined) {
      if (!Number.isInteger(a) || !Number.isInteger(b) || b < a) throw new UsageError(`--grid ${arg}: a..b needs integers a <= b; for other values use a..b:lin:N or a..b:log:N`);
      if (b - a + 1 > 1e6) throw new UsageError(`--grid ${arg}: ${b - a + 1} values is too many; allowed: at most 1000000`);
      return [key, Array.from({ length: b - a + 1 }, (_, i) => a + i)];
    }
    const n = Number(range[4]);
    if (!Number.isInteger(n) || n < 2 || n > 1e6) throw new UsageError(`--grid ${arg}: the count '${range[4]}' is not allowed; allowed: an integer from 2 to 1000000`);
    if (range[3] === "log" && (a <= 0 || b <= 0)) throw new UsageError(`--grid ${arg}: a log range needs a > 0 and b > 0`);
    const values = Array.from({ length: n }, (_, i) => {
      const t = i / (n - 1);
      // Rounded to 12 significant digits so 1e-3..1e-1:log:3 gives 0.01, not 0.009999999999999998.
      const v = range[3] === "log" ? Math.exp(Math.log(a) + t * (Math.log(b) - Math.log(a))) : a + t * (b - a);
      return Number(v.toPrecision(12));
    });
    return [key, values];
  }
  const parts = spec.split(",").map((s) => s.trim());
  if (parts.some((s) => s === "")) throw new UsageError(`--grid ${arg}: empty value in the list; allowed: key=v1,v2,... with no empty entries`);
  return [key, parts.map(gridValue)];
}

/** Every `--grid` of a command line as one Grid (a key given twice is a mistake). */
export function parseGridArgs(args: readonly string[], allowed: readonly string[], yes = false): Grid {
  const grid: Record<string, unknown[]> = {};
  for (const arg of args) {
    const [key, values] = parseGridArg(arg, allowed);
    if (key in grid) throw new UsageError(`--grid ${arg}: key '${key}' is given twice; allowed: one --grid per key`);
    grid[key] = values;
  }
  const total = Object.values(grid).reduce((n, v) => n * v.length, 1);
  if (total > MAX_POINTS_WITHOUT_YES && !yes) throw new UsageError(`the grid has ${total} points; allowed: at most ${MAX_POINTS_WITHOUT_YES} without --yes`);
  return grid;
}
