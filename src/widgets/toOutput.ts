/**
 * Any value → one nbformat output (display_data, or error for a thrown Error), the form an
 * Output widget's `outputs` state holds. Objects speaking the Jupyter display protocol show
 * their bundle; arquero tables their HTML; everything else its text, as Node's REPL prints it.
 */
import { inspect } from "node:util";
import { isDisplayable, jupyterDisplay } from "../plot/display.js";
import type { JSONObject, JSONValue } from "./bridge.js";

/** Rows shown when an arquero table is displayed; the text says how many were left out. */
const TABLE_ROWS = 20;

interface HTMLTable {
  numRows(): number;
  toHTML(options?: { limit?: number }): string;
}

function isTable(x: unknown): x is HTMLTable {
  const t = x as Partial<HTMLTable> | null;
  return typeof t === "object" && t !== null && typeof t.toHTML === "function" && typeof t.numRows === "function";
}

/** A mime bundle's values must be JSON: strings stay strings, anything else is copied as JSON. */
function jsonBundle(bundle: Record<string, unknown>): JSONObject {
  const out: JSONObject = {};
  for (const [mime, value] of Object.entries(bundle)) {
    if (value === undefined) continue;
    out[mime] = typeof value === "string" ? value : (JSON.parse(JSON.stringify(value)) as JSONValue);
  }
  return out;
}

/** The mime bundle a value displays as. */
export function toBundle(value: unknown): JSONObject {
  if (isDisplayable(value)) return jsonBundle(value[jupyterDisplay]());
  if (isTable(value)) {
    const n = value.numRows();
    const more = n > TABLE_ROWS ? `<div style="color:#666;font-size:90%">${TABLE_ROWS} of ${n} rows</div>` : "";
    return { "text/html": value.toHTML({ limit: TABLE_ROWS }) + more, "text/plain": inspect(value, { depth: 1 }) };
  }
  return { "text/plain": typeof value === "string" ? value : inspect(value, { depth: 4, colors: false }) };
}

/** One output for an Output widget; undefined shows nothing, as a cell ending in a statement. */
export function toOutputs(value: unknown): JSONObject[] {
  if (value === undefined) return [];
  if (value instanceof Error) {
    return [{ output_type: "error", ename: value.name, evalue: value.message, traceback: (value.stack ?? `${value.name}: ${value.message}`).split("\n") }];
  }
  return [{ output_type: "display_data", data: toBundle(value), metadata: {} }];
}
