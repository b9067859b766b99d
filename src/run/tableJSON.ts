/**
 * Lossless JSON for arquero tables. arquero's own toJSON writes NaN and ±Infinity as null
 * and an undefined cell as the bare word `undefined` (invalid JSON), and a diverging run's
 * loss is exactly NaN or Infinity; a cached point must read back as the run that made it.
 * Numbers columns keep non-finite values as strings and remember a Float64Array; dates are
 * ISO strings; anything else is stored as JSON as it is.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";

export interface ColumnJSON {
  name: string;
  kind: "number" | "date" | "json";
  /** Set when the column was a typed array, so it comes back as one. */
  array?: "Float64Array" | "Float32Array" | "Int32Array";
  values: unknown[];
}

export interface TableJSON {
  columns: ColumnJSON[];
}

const typedArrays = { Float64Array, Float32Array, Int32Array } as const;

function encodeNumber(x: unknown): unknown {
  if (x === undefined || x === null) return null;
  const n = x as number;
  return Number.isFinite(n) ? n : String(n); // "NaN", "Infinity", "-Infinity"
}

export function tableToJSON(table: ColumnTable): TableJSON {
  return {
    columns: table.columnNames().map((name): ColumnJSON => {
      const values = Array.from(table.array(name) as ArrayLike<unknown>);
      // array() copies into a plain array; the column itself tells whether it was typed.
      const raw = table.column(name) as unknown;
      const typed = ArrayBuffer.isView(raw) ? ((raw as object).constructor.name as ColumnJSON["array"]) : undefined;
      const array = typed && typed in typedArrays ? typed : undefined;
      if (values.every((v) => v === null || v === undefined || typeof v === "number")) {
        return { name, kind: "number", ...(array ? { array } : {}), values: values.map(encodeNumber) };
      }
      if (values.every((v) => v === null || v === undefined || v instanceof Date)) {
        return { name, kind: "date", values: values.map((v) => (v instanceof Date ? v.toISOString() : null)) };
      }
      return { name, kind: "json", values: values.map((v) => (v === undefined ? null : v)) };
    }),
  };
}

export function tableFromJSON(json: TableJSON): ColumnTable {
  const columns: Record<string, unknown[] | Float64Array | Float32Array | Int32Array> = {};
  for (const c of json.columns) {
    if (c.kind === "number") {
      const values = c.values.map((v) => (typeof v === "string" ? Number(v) : v));
      columns[c.name] = c.array ? typedArrays[c.array].from(values as number[]) : values;
    } else if (c.kind === "date") {
      columns[c.name] = c.values.map((v) => (v === null ? null : new Date(v as string)));
    } else {
      columns[c.name] = c.values;
    }
  }
  return aq.table(columns);
}
