/**
 * The rows `explore` embeds, prepared in Node: cells made JSON-safe and short, domains and
 * slider values read off the whole table, long lines thinned, strings dictionary-encoded.
 */
import { UsageError } from "../compute/usageError.js";
import type { Cell, Columns } from "./exploreRender.js";

/** Significant digits kept in the embedded data: plenty for a plot, and it halves the JSON. */
const DIGITS = 6;

export function cellOf(v: unknown): Cell {
  if (typeof v === "number") return Number.isFinite(v) ? +v.toPrecision(DIGITS) : null;
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  return String(v);
}

export function distinctSorted(values: Cell[]): Cell[] {
  const set = [...new Set(values)];
  const numeric = set.every((v) => typeof v === "number" || v === null);
  return set.sort((a, b) => (numeric ? (a as number) - (b as number) : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

export function domainOf(values: Cell[], log: boolean, name: string): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (typeof v !== "number" || (log && !(v > 0))) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) throw new UsageError(`explore: column '${name}' has no ${log ? "positive " : ""}finite numbers to plot${log ? " on a log axis" : ""}`);
  return [lo, hi];
}

/** Row indices keeping at most `max` evenly spaced rows of each series (rows sharing `keys`), in table order. */
export function thin(data: Columns, keys: string[], max: number): number[] {
  if (!(max >= 2)) throw new UsageError(`explore: maxPoints=${max} is not allowed; allowed: a number >= 2`);
  const n = Object.values(data)[0]?.length ?? 0;
  const series = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = JSON.stringify(keys.map((k) => data[k][i]));
    if (!series.has(key)) series.set(key, []);
    series.get(key)!.push(i);
  }
  const kept: number[] = [];
  for (const rows of series.values()) {
    if (rows.length <= max) kept.push(...rows);
    else for (let j = 0; j < max; j++) kept.push(rows[Math.round((j * (rows.length - 1)) / (max - 1))]);
  }
  return kept.sort((a, b) => a - b);
}

/**
 * The rows as they travel: numbers as they are, string columns as a dictionary plus codes
 * (a variant name repeated on 5000 rows costs 5000 small integers).
 */
export function encodeColumns(data: Columns): Record<string, Cell[] | { dict: Cell[]; codes: number[] }> {
  const out: Record<string, Cell[] | { dict: Cell[]; codes: number[] }> = {};
  for (const [name, values] of Object.entries(data)) {
    if (!values.some((v) => typeof v === "string")) {
      out[name] = values;
      continue;
    }
    const dict: Cell[] = [];
    const index = new Map<Cell, number>();
    const codes = values.map((v) => {
      if (!index.has(v)) index.set(v, dict.push(v) - 1);
      return index.get(v)!;
    });
    out[name] = { dict, codes };
  }
  return out;
}
