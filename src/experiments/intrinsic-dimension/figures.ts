/**
 * The paper's plots (Li et al. 2018, arXiv:1804.08838): validation accuracy against subspace
 * dimension d (log x) with the 90% lines and d_int90 marked, one line per model (Figure 2's
 * MNIST panels); d_int90 against the parameter count D for several FC widths (the §3.1 width
 * result); and the three projections side by side.
 */
import * as Plot from "@observablehq/plot";
import { figure, type Figure } from "../../plot/figure.js";
import { netInfos } from "./nets.js";
import type { IntrinsicDimensionParams } from "./params.js";
import type { CurveRow, DIntRow, IntrinsicDimensionResult, RunRow } from "./tables.js";
import { rowsOf } from "../rows.js";

/** The paper's d_int90 (absolute definition) for the networks it names. */
export const paperDInt90: Record<string, number> = { "FC 784-200-200-10": 750, LeNet: 290 };

export function figures(r: IntrinsicDimensionResult, p: IntrinsicDimensionParams): Figure[] {
  const curves = rowsOf<CurveRow>(r.tables.curves);
  const allRuns = rowsOf<RunRow>(r.tables.runs);
  const allDint = rowsOf<DIntRow>(r.tables.dint);
  const nets = netInfos(p);
  const shown = nets.filter((n) => n.roles.includes("main") || n.roles.includes("lenet")).map((n) => n.key);
  const sweep = curves.filter((c) => shown.includes(c.net) && c.projection === p.projection);
  const runs = allRuns.filter((x) => shown.includes(x.net) && x.projection === p.projection);
  const dint = allDint.filter((x) => shown.includes(x.net));
  const absolute = dint.filter((x) => x.definition === "absolute" && Number.isFinite(x.dint90));
  const relative = dint.filter((x) => x.definition === "relative");
  const paper = Object.entries(paperDInt90).filter(([label]) => nets.some((n) => n.label === label && shown.includes(n.key)));
  const labels = nets.filter((n) => shown.includes(n.key)).map((n) => n.label);

  const accuracy = figure({
    id: "accuracy-vs-d",
    title: "Validation accuracy of subspace training against subspace dimension d",
    caption:
      `MNIST, ${p.projection} projection, ${p.seeds} run(s) per d (dots), mean ± sd (line, bars). Solid grey: 90% accuracy ` +
      `(the "absolute" d_int90 threshold); dashed, per model: 90% of its directly trained accuracy ("relative"). ` +
      `Vertical lines: d_int90 (absolute) measured here; grey dotted: the paper's (FC 750, LeNet 290). ` +
      `After Li et al. 2018 (arXiv:1804.08838), Figure 2, MNIST panels.`,
    plot: {
      x: { type: "log", label: "subspace dimension d", tickFormat: "~s" },
      y: { label: "validation accuracy", domain: [0, 1], grid: true },
      color: { legend: true, domain: labels },
      marks: [
        Plot.ruleY([0.9], { stroke: "#555" }),
        Plot.ruleY(relative, { y: "threshold", stroke: "label", strokeDasharray: "5,3" }),
        Plot.ruleX(paper, { x: ([, d]: [string, number]) => d, stroke: "#999", strokeDasharray: "2,3" }),
        Plot.text(paper, { x: ([, d]: [string, number]) => d, y: 0.05, text: ([l, d]: [string, number]) => `paper ${l.startsWith("FC") ? "FC" : "LeNet"} ${d}`, rotate: -90, textAnchor: "start", lineAnchor: "bottom", dx: -3, fill: "#777" }),
        Plot.ruleX(absolute, { x: "dint90", stroke: "label", strokeWidth: 1.5 }),
        Plot.ruleX(sweep, { x: "d", y1: (c: CurveRow) => c.meanAcc - c.sdAcc, y2: (c: CurveRow) => c.meanAcc + c.sdAcc, stroke: "label" }),
        Plot.dot(runs, { x: "d", y: "valAcc", stroke: "label", r: 2, strokeOpacity: 0.6 }),
        Plot.line(sweep, { x: "d", y: "meanAcc", stroke: "label", strokeWidth: 1.8 }),
      ],
    },
  });

  const widthRows = allDint
    .filter((x) => nets.find((n) => n.key === x.net)?.roles.includes("width"))
    .map((x) => ({ ...x, value: x.dint90, width: nets.find((n) => n.key === x.net)!.width }))
    .filter((x) => Number.isFinite(x.value))
    .sort((a, b) => a.D - b.D);
  // A reference growing like D from the narrowest net's relative d_int90: what "d_int90 grows with
  // the parameter count" would look like. (A d = D line instead stretched the axis to 200k and
  // flattened every measured point against the bottom.)
  const relativeRows = widthRows.filter((x) => x.definition === "relative");
  const grows = relativeRows.map((x) => ({ D: x.D, value: (relativeRows[0].value * x.D) / relativeRows[0].D }));
  const Ds = [...new Set(widthRows.map((x) => x.D))];
  const ys = [...widthRows.flatMap((x) => [x.value, x.lo, x.hi]), ...grows.map((x) => x.value)].filter((y) => Number.isFinite(y) && y > 0);
  const yTicks = ys.length ? logTicks(Math.min(...ys), Math.max(...ys)) : undefined;
  const width = figure({
    id: "dint90-vs-width",
    title: "d_int90 of FC networks of different widths against their parameter count D",
    caption:
      `FC 784-h-…-10, depth ${p.depth}, h ∈ {${[...new Set(p.widths)].sort((a, b) => a - b).join(", ")}}; ${p.projection} projection. ` +
      `Bars: bootstrap 95% interval over runs. Dashed: growth in proportion to D from the narrowest net's relative d_int90. ` +
      `The paper finds d_int90 nearly constant while D grows (Li et al. 2018, §3.1): extra parameters enlarge the ` +
      `solution set rather than the dimension needed.`,
    plot: {
      // Ticks given outright: d3 labels a log axis only near powers of ten, which left most of these unlabelled.
      x: { type: "log", label: "parameter count D", ticks: Ds, tickFormat: ".2~s", inset: 40 },
      y: { type: "log", label: "d_int90", grid: true, ticks: yTicks, domain: yTicks && yTicks.length > 1 ? [yTicks[0], yTicks[yTicks.length - 1]] : undefined, tickFormat: "~s" },
      color: { legend: true, domain: ["absolute", "relative"] },
      marks: [
        Plot.line(grows, { x: "D", y: "value", stroke: "#aaa", strokeDasharray: "4,3" }),
        Plot.text(grows.slice(-1), { x: "D", y: "value", text: () => "∝ D", dy: -10, textAnchor: "end", fill: "#888" }),
        Plot.ruleX(widthRows.filter((x) => Number.isFinite(x.lo)), { x: "D", y1: "lo", y2: "hi", stroke: "definition" }),
        Plot.line(widthRows, { x: "D", y: "value", stroke: "definition" }),
        Plot.dot(widthRows, { x: "D", y: "value", fill: "definition", r: 3.5 }),
        Plot.text(relativeRows, { x: "D", y: "value", text: (x: { width: number }) => `h=${x.width}`, dy: 12, fill: "#555" }),
      ],
    },
  });

  const compareNet = nets.find((n) => n.roles.includes("compare"))!;
  const cmpDims = new Set(p.compareDims);
  const cmp = curves.filter((c) => c.net === compareNet.key && c.projection !== "direct" && cmpDims.has(c.d));
  const cmpRuns = allRuns.filter((x) => x.net === compareNet.key && x.projection !== "direct" && cmpDims.has(x.d));
  const projections = figure({
    id: "projections",
    title: `Dense, sparse and Fastfood projections on ${compareNet.label}`,
    caption:
      `Validation accuracy at the same d (dots: runs, each seed with the same θ₀ and batches under every projection; ` +
      `bars: mean ± sd). Dense P has unit-length Gaussian columns, sparse P ≈√D nonzeros per column, Fastfood ` +
      `P = HGΠHB scaled to unit expected column length (Li et al. 2018, §S6).`,
    plot: {
      fx: { label: "subspace dimension d" },
      x: { label: null, domain: ["dense", "sparse", "fastfood"], axis: null },
      y: { label: "validation accuracy", grid: true },
      color: { legend: true, domain: ["dense", "sparse", "fastfood"] },
      marks: [
        Plot.ruleX(cmp, { fx: "d", x: "projection", y1: (c: CurveRow) => c.meanAcc - c.sdAcc, y2: (c: CurveRow) => c.meanAcc + c.sdAcc, stroke: "projection" }),
        Plot.tickY(cmp, { fx: "d", x: "projection", y: "meanAcc", stroke: "projection", strokeWidth: 2 }),
        Plot.dot(cmpRuns, { fx: "d", x: "projection", y: "valAcc", fill: "projection", r: 3 }),
      ],
    },
  });
  return [accuracy, width, projections];
}

/** 1, 2, 3 and 5 times powers of ten, from the last at or below lo to the first at or above hi (0 < lo ≤ hi). */
export function logTicks(lo: number, hi: number): number[] {
  const all: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) for (const s of [1, 2, 3, 5]) all.push(Number((s * 10 ** e).toPrecision(1)));
  const first = all.filter((t) => t <= lo).length - 1, last = all.findIndex((t) => t >= hi);
  return all.slice(Math.max(0, first), last + 1);
}
