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
import { cellOf, distinctSorted, domainOf, encodeColumns, thin } from "./exploreData.js";
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
