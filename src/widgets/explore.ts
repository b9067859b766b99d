/**
 * explore(table, {x, y, color, sliders}): a figure of a precomputed sweep with one slider per
 * swept parameter, entirely client-side. The output is HTML holding the figure drawn in Node
 * with Observable Plot (what shows where scripts do not run: an untrusted notebook, GitHub's
 * preview), the rows as JSON, and a small script that builds the sliders and redraws the
 * figure for the chosen values. Nothing talks to the kernel, so it keeps working in a saved
 * or exported notebook.
 */
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { randomUUID } from "node:crypto";
import { UsageError } from "../compute/usageError.js";
import { jupyterDisplay, type MimeBundle } from "../plot/display.js";
import { figure } from "../plot/figure.js";
import { figureToHTML } from "../plot/render.js";
import { exploreMain, type ExplorePayload, type SliderSpec } from "./exploreClient.js";
import { renderExplore, type Cell, type Columns, type RenderSpec } from "./exploreRender.js";

export interface ExploreOptions {
  /** Numeric column on the horizontal axis, e.g. 'step'. */
  x: string;
  /** Numeric column on the vertical axis, e.g. 'error'. */
  y: string;
  /** Column whose values get one colour each (a line per value); default none. */
  color?: string;
  /** Column whose values get one panel each, stacked vertically; default none. */
  fy?: string;
  /** Columns to choose a value of with a slider (usually the swept params); the figure shows the matching rows. */
  sliders: string[];
  /** Marks to draw; default ['line']. */
  marks?: Array<"line" | "dot">;
  /** Log x axis; default false. */
  logX?: boolean;
  /** Log y axis, as for errors spanning decades; default false. */
  logY?: boolean;
  title?: string;
  /** Figure width in px; default 640. */
  width?: number;
  /** Height of each panel in px; default 280. */
  height?: number;
  /** Slider values shown first, e.g. {k: 4}; default each slider's smallest value. */
  value?: Record<string, Cell>;
  /**
   * Most points kept per line (per slider setting, colour and panel), evenly spaced, first and
   * last included; default 150. The rows travel inside the notebook, so a 1000-step curve
   * is thinned to what a 640 px figure can show.
   */
  maxPoints?: number;
}

/** Significant digits kept in the embedded data: plenty for a plot, and it halves the JSON. */
const DIGITS = 6;

function cellOf(v: unknown): Cell {
  if (typeof v === "number") return Number.isFinite(v) ? +v.toPrecision(DIGITS) : null;
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  return String(v);
}

function distinctSorted(values: Cell[]): Cell[] {
  const set = [...new Set(values)];
  const numeric = set.every((v) => typeof v === "number" || v === null);
  return set.sort((a, b) => (numeric ? (a as number) - (b as number) : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

function domainOf(values: Cell[], log: boolean, name: string): [number, number] {
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
function thin(data: Columns, keys: string[], max: number): number[] {
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
function encodeColumns(data: Columns): Record<string, Cell[] | { dict: Cell[]; codes: number[] }> {
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

export class Explore {
  /** The whole output: static figure, data and script. */
  readonly html: string;
  readonly payload: ExplorePayload;

  constructor(table: ColumnTable, options: ExploreOptions) {
    const names = table.columnNames();
    const need = (role: string, name: unknown) => {
      if (typeof name !== "string" || !names.includes(name)) throw new UsageError(`explore: ${role}=${String(name)} is not a column; available: ${names.join(", ")}`);
      return name;
    };
    const { x, y } = { x: need("x", options.x), y: need("y", options.y) };
    const color = options.color === undefined ? undefined : need("color", options.color);
    const fy = options.fy === undefined ? undefined : need("fy", options.fy);
    if (!Array.isArray(options.sliders)) throw new UsageError("explore: sliders must be an array of column names, e.g. ['k', 'alpha']");
    const sliderNames = options.sliders.map((s) => need("sliders", s));
    const marks = options.marks ?? ["line"];
    for (const m of marks) if (m !== "line" && m !== "dot") throw new UsageError(`explore: mark '${m}' is not allowed; allowed: line, dot`);

    const full: Columns = {};
    for (const name of new Set([x, y, color, fy, ...sliderNames].filter((n): n is string => n !== undefined))) {
      full[name] = Array.from(table.array(name) as ArrayLike<unknown>, cellOf);
    }
    const keep = thin(full, [...sliderNames, color, fy].filter((n): n is string => n !== undefined), options.maxPoints ?? 150);
    const data: Columns = {};
    for (const [name, values] of Object.entries(full)) data[name] = keep.map((i) => values[i]);
    const logX = options.logX ?? false;
    const logY = options.logY ?? false;
    const spec: RenderSpec = {
      x, y, color, fy, marks, logX, logY,
      xDomain: domainOf(data[x], logX, x),
      yDomain: domainOf(data[y], logY, y),
      colorDomain: color ? distinctSorted(data[color]) : [],
      fyDomain: fy ? distinctSorted(data[fy]) : [],
      width: options.width ?? 640,
      facetHeight: options.height ?? 280,
      title: options.title,
    };
    const sliders: SliderSpec[] = sliderNames.map((name) => {
      const values = distinctSorted(data[name]);
      const wanted = options.value?.[name];
      const index = wanted === undefined ? 0 : values.indexOf(cellOf(wanted));
      if (index < 0) throw new UsageError(`explore: value.${name}=${String(wanted)} is not in the table; values: ${values.join(", ")}`);
      return { name, values, index };
    });
    this.payload = { spec, sliders, data };
    this.html = page(this.payload);
  }

  [jupyterDisplay](): MimeBundle {
    const shown = this.payload.sliders.map((s) => `${s.name}=${s.values[s.index]}`).join(", ");
    return { "text/html": this.html, "text/plain": `explore(${this.payload.spec.y} vs ${this.payload.spec.x}; sliders: ${shown})` };
  }
}

/** The figure Observable Plot draws in Node for the first slider values: the no-script fallback. */
function staticFigure({ spec, sliders, data }: ExplorePayload): string {
  const n = data[spec.x].length;
  const rows: Array<Record<string, Cell>> = [];
  for (let i = 0; i < n; i++) {
    if (!sliders.every((s) => data[s.name][i] === s.values[s.index])) continue;
    rows.push(Object.fromEntries(Object.keys(data).map((k) => [k, data[k][i]])));
  }
  const channels = { x: spec.x, y: spec.y, fy: spec.fy };
  const marks = [
    ...(spec.marks.includes("line") ? [Plot.line(rows, { ...channels, stroke: spec.color, strokeWidth: 1.5 })] : []),
    ...(spec.marks.includes("dot") ? [Plot.dot(rows, { ...channels, fill: spec.color, r: 2.5 })] : []),
  ];
  const facets = spec.fy ? spec.fyDomain.length : 1;
  const shown = sliders.map((s) => `${s.name} = ${s.values[s.index]}`).join(", ");
  return figureToHTML(
    figure({
      id: "explore",
      title: spec.title ?? `${spec.y} vs ${spec.x}`,
      caption: shown ? `Showing ${shown}.` : undefined,
      plot: {
        width: spec.width,
        height: facets * spec.facetHeight + 70,
        marginRight: spec.fy ? 90 : 20,
        x: { type: spec.logX ? "log" : "linear", domain: spec.xDomain, label: spec.x },
        y: { type: spec.logY ? "log" : "linear", domain: spec.yDomain, label: spec.y, grid: true },
        ...(spec.color ? { color: { type: "categorical", scheme: "tableau10", domain: spec.colorDomain, legend: true, label: spec.color } } : {}),
        ...(spec.fy ? { fy: { domain: spec.fyDomain, label: spec.fy } } : {}),
        marks,
      } as Plot.PlotOptions,
    }),
  );
}

function page(payload: ExplorePayload): string {
  const id = `lrx-${randomUUID()}`;
  const json = JSON.stringify({ ...payload, data: encodeColumns(payload.data) }).replace(/</g, "\\u003c");
  // `__name` is defined in case a bundler that keeps function names (esbuild keepNames)
  // compiled this module: it would call that helper inside the shipped function bodies.
  const script = `(function () {
  var __name = function (f) { return f; };
  var root = (document.currentScript && document.currentScript.parentElement) || document.getElementById(${JSON.stringify(id)});
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var payload = JSON.parse(root.querySelector("script.lrx-data").textContent);
  var render = ${renderExplore.toString()};
  (${exploreMain.toString()})(root, payload, render);
})();`;
  return `<div class="lowrank-explore" id="${id}" style="font:12px system-ui,sans-serif">
<div class="lrx-controls"></div>
<div class="lrx-figure">${staticFigure(payload)}</div>
<div class="lrx-note" style="color:#777;font-size:11px">Static figure: the sliders need scripts (a trusted notebook, or the exported HTML).</div>
<script type="application/json" class="lrx-data">${json}</script>
<script>${script}</script>
</div>`;
}

/** A figure of `table` with a slider per swept parameter, working without a kernel. */
export function explore(table: ColumnTable, options: ExploreOptions): Explore {
  return new Explore(table, options);
}
