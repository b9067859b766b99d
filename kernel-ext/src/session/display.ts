/**
 * The display protocol: the mime bundle a value is shown with, as a cell's result or through
 * display(x).
 *
 * 1. A value with a `[Symbol.for("Jupyter.display")]()` method (Deno's kernel convention) is
 *    shown with the bundle that method returns (it may return a promise of one).
 * 2. An arquero table is an HTML table of its first rows, with a count of the rest.
 * 3. Anything else is `text/plain` from util.inspect, as Node's REPL prints it.
 * Every bundle carries `text/plain`, which the messaging spec asks of every output.
 */
import { inspect } from "node:util";
import { jupyterDisplay, type MimeBundle } from "../../../src/plot/display.js";

/** Rows of a table shown before "… N more rows". */
export const tableRowLimit = 20;

interface ArqueroTable {
  numRows(): number;
  numCols(): number;
  columnNames(): string[];
  toHTML(options?: { limit?: number }): string;
  objects(options?: { limit?: number }): object[];
}

/** arquero's ColumnTable, by shape: tables from another copy of arquero count too. */
export function isArqueroTable(x: unknown): x is ArqueroTable {
  const t = x as Partial<ArqueroTable> | null;
  return typeof t === "object" && t !== null && ["toHTML", "numRows", "numCols", "columnNames", "objects"].every((k) => typeof (t as Record<string, unknown>)[k] === "function");
}

export function plainText(value: unknown): string {
  return typeof value === "string" ? inspect(value) : inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 });
}

function tableText(t: ArqueroTable, shown: number): string {
  const names = t.columnNames();
  const rows = (t.objects({ limit: shown }) as Record<string, unknown>[]).map((r) => names.map((n) => (typeof r[n] === "string" ? (r[n] as string) : inspect(r[n]))));
  const widths = names.map((n, j) => Math.max(n.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padStart(widths[j])).join("  ");
  return [line(names), ...rows.map(line)].join("\n");
}

export function tableBundle(t: ArqueroTable, limit = tableRowLimit): MimeBundle {
  const n = t.numRows();
  const shown = Math.min(n, limit);
  const more = n - shown;
  const note = more > 0 ? `… ${more} more row${more === 1 ? "" : "s"}` : "";
  const caption = `${n} row${n === 1 ? "" : "s"} × ${t.numCols()} column${t.numCols() === 1 ? "" : "s"}`;
  return {
    "text/plain": `${caption}\n${tableText(t, shown)}${note ? "\n" + note : ""}`,
    "text/html": `${t.toHTML({ limit: shown })}${note ? `<p style="margin:0.25em 0;color:#666">${note}</p>` : ""}`,
  };
}

function withPlain(bundle: MimeBundle, value: unknown): MimeBundle {
  if (typeof bundle !== "object" || bundle === null || Array.isArray(bundle)) {
    throw new TypeError(`[Symbol.for("Jupyter.display")]() returned ${inspect(bundle)}; want a mime bundle such as {"text/html": "<b>hi</b>"}`);
  }
  return "text/plain" in bundle ? bundle : { ...bundle, "text/plain": inspect(value, { depth: 0 }) };
}

/** The bundle for `value`; a promise only when its display method returns one. */
export function mimeBundle(value: unknown): MimeBundle | Promise<MimeBundle> {
  const method = typeof value === "object" || typeof value === "function" ? (value as Record<symbol, unknown> | null)?.[jupyterDisplay] : undefined;
  if (typeof method === "function") {
    const b = method.call(value) as MimeBundle | Promise<MimeBundle>;
    return b instanceof Promise ? b.then((x) => withPlain(x, value)) : withPlain(b, value);
  }
  if (isArqueroTable(value)) return tableBundle(value);
  return { "text/plain": plainText(value) };
}
