/**
 * The figures: singular-value spectra of outputs and KV buffers per attention kind (Fan et al.
 * 2025, arXiv:2411.07635, the rank analysis of §3 / Fig. 2), rank against N and against d,
 * accuracy and trained-layer ranks of the tiny ViTs, and Scatterbrain's error against
 * temperature (Chen et al. 2021, arXiv:2110.15343, Fig. 1 left).
 */
import * as Plot from "@observablehq/plot";
import { figure, type Figure } from "../../plot/figure.js";
import { attentionKinds } from "./attention.js";
import type { AttentionRankParams } from "./params.js";
import type { AttentionRankResult } from "./run.js";

type Row = Record<string, any>;

/** Plain integers on log axes (Plot would otherwise thin and reformat them). */
const integerTick = (v: number) => (Number.isInteger(v) ? String(v) : "");

const kindColor = { legend: true, domain: [...attentionKinds], range: ["#4e79a7", "#e15759", "#59a14f"], label: "attention" };

/** Mean of `value` over trials, one row per (input, x, kind, matrix), in long format by measure. */
function rankCurves(rows: Row[], x: "N" | "d"): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.input}|${r[x]}|${r.kind}|${r.matrix}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: Row[] = [];
  for (const g of groups.values()) {
    const mean = (f: string) => g.reduce((a, r) => a + r[f], 0) / g.length;
    const base = { input: g[0].input, [x]: g[0][x], kind: g[0].kind, matrix: g[0].matrix };
    out.push({ ...base, measure: "numerical rank", value: mean("numericalRank") });
    out.push({ ...base, measure: "effective rank", value: mean("effectiveRank") });
  }
  return out.sort((a, b) => a[x] - b[x]);
}

function spectra(r: AttentionRankResult, p: AttentionRankParams): Figure {
  const rows: Row[] = (r.tables.spectra.objects() as Row[]).map((d) => ({ ...d, relative: Math.max(d.relative, 1e-18) }));
  const tol = [...new Set(rows.map((d) => `${d.input}|${d.matrix}`))].map((key) => {
    const g = rows.filter((d) => `${d.input}|${d.matrix}` === key);
    return { input: g[0].input, matrix: g[0].matrix, tol: Math.max(...g.map((d) => d.tolRelative)) };
  });
  return figure({
    id: "spectra",
    title: "Singular values of the outputs and KV buffers of one head",
    caption: `σᵢ/σ₁ at N = ${p.NRef}, d = ${p.dRef}, dv = ${p.dv}, random weights. Linear attention's output spectrum drops to round-off after i = d; ` +
      `softmax and RALA stay above the rank tolerance (dashed, NumPy's max(m, n)·ε) up to min(N, dv). After Fan et al. (arXiv:2411.07635), §3 and Fig. 2.`,
    plot: {
      marginRight: 90,
      x: { label: "index i", type: "log", tickFormat: integerTick },
      y: { type: "log", label: "σᵢ / σ₁", grid: true },
      fx: { label: "tokens" },
      fy: { label: null },
      color: kindColor,
      marks: [
        Plot.ruleY(tol, { y: "tol", fx: "input", fy: "matrix", stroke: "#999", strokeDasharray: "4,3" }),
        Plot.line(rows, { x: "index", y: "relative", stroke: "kind", fx: "input", fy: "matrix", strokeWidth: 1.6 }),
      ],
    },
  });
}

function rankAgainst(r: AttentionRankResult, p: AttentionRankParams, x: "N" | "d"): Figure {
  const all = (r.tables.ranks.objects() as Row[]).filter((d) => d.matrix === "output" && (x === "N" ? d.d === p.dRef : d.N === p.NRef));
  const data = rankCurves(all, x);
  const xs = [...new Set(data.map((d) => d[x] as number))].sort((a, b) => a - b);
  const bound = x === "N"
    ? xs.map((v) => ({ [x]: v, value: Math.min(v, p.dRef), measure: "numerical rank" }))
    : xs.map((v) => ({ [x]: v, value: Math.min(v, p.NRef, p.dv), measure: "numerical rank" }));
  return figure({
    id: `rank-vs-${x}`,
    title: x === "N" ? "Output rank against sequence length N" : "Output rank against head dim d",
    caption: x === "N"
      ? `Numerical (NumPy tolerance) and effective rank of one head's N × ${p.dv} output at d = ${p.dRef}, mean over ${p.trials} random head(s). Dashed: linear attention's bound min(N, d).`
      : `Numerical and effective rank of one head's ${p.NRef} × ${p.dv} output against d, mean over ${p.trials} random head(s). Dashed: linear attention's bound min(N, d, dv).`,
    plot: {
      marginRight: 100,
      // Base 2: d3 labels a log axis's ticks only near powers of its base, and N and d are powers of 2.
      x: { type: "log", base: 2, label: x === "N" ? "sequence length N" : "head dim d", ticks: xs, tickFormat: integerTick },
      y: { label: "rank", grid: true },
      fx: { label: "tokens" },
      fy: { label: null },
      color: kindColor,
      marks: [
        Plot.line(bound, { x, y: "value", fy: "measure", stroke: "#999", strokeDasharray: "4,3" }),
        Plot.line(data, { x, y: "value", stroke: "kind", fx: "input", fy: "measure", strokeWidth: 1.6 }),
        Plot.dot(data, { x, y: "value", fill: "kind", fx: "input", fy: "measure", r: 2.5 }),
      ],
    },
  });
}

function accuracyFigure(r: AttentionRankResult, p: AttentionRankParams): Figure {
  const rows: Row[] = (r.tables.accuracy.objects() as Row[]).map((d) => {
    const se = Math.sqrt((d.accuracy * (1 - d.accuracy)) / d.n);
    return { ...d, lo: d.accuracy - 2 * se, hi: d.accuracy + 2 * se };
  });
  return figure({
    id: "accuracy",
    title: "Test accuracy of the tiny ViT with each attention kind",
    caption: `MNIST, 4 × 4 patches (N = 49), width ${p.vitWidth}, ${p.heads} head(s), ${p.depth} block(s); ${p.steps} Adam steps of ${p.batch} images each for every kind. ` +
      `Bars: ±2 standard errors of the test-set estimate (${rows[0]?.n ?? 0} digits).`,
    plot: {
      x: { label: "attention", domain: [...attentionKinds] },
      y: { label: "test accuracy", domain: [0, 1], grid: true },
      color: kindColor,
      marks: [
        Plot.barY(rows, { x: "kind", y: "accuracy", fill: "kind" }),
        Plot.ruleX(rows, { x: "kind", y1: "lo", y2: "hi", stroke: "black" }),
        Plot.text(rows, { x: "kind", y: "hi", text: (d: Row) => d.accuracy.toFixed(3), dy: -8 }),
      ],
    },
  });
}

function lossFigure(r: AttentionRankResult): Figure {
  return figure({
    id: "training-loss",
    title: "Training loss of the tiny ViTs",
    caption: "Cross-entropy of each step's batch, for the three attention kinds under the same budget.",
    plot: {
      x: { label: "step" },
      y: { type: "log", label: "training loss", grid: true },
      color: kindColor,
      marks: [Plot.line(r.tables.training.objects() as Row[], { x: "step", y: "loss", stroke: "kind", strokeWidth: 1.6 })],
    },
  });
}

function trainedRanks(r: AttentionRankResult, p: AttentionRankParams): Figure {
  const rows = r.tables.trainedRanks.objects() as Row[];
  return figure({
    id: "trained-ranks",
    title: "Effective rank of the trained heads",
    caption: `Per head, block and test image (${p.rankImages} image(s)): 49 × ${p.vitWidth / p.heads} outputs and ${p.vitWidth / p.heads} × ${p.vitWidth / p.heads} KV buffers, ` +
      "recomputed in Float64 from the trained weights. Ticks: means.",
    plot: {
      x: { label: "attention", domain: [...attentionKinds] },
      y: { label: "effective rank", grid: true },
      fx: { label: null, domain: ["output", "KV buffer"] },
      color: kindColor,
      marks: [
        Plot.dot(rows, { x: "kind", y: "effectiveRank", fx: "matrix", stroke: "kind", r: 2.5 }),
        Plot.tickY(rows, Plot.groupX({ y: "mean" }, { x: "kind", y: "effectiveRank", fx: "matrix", stroke: "black", strokeWidth: 2 })),
      ],
    },
  });
}

function scatterbrain(r: AttentionRankResult, p: AttentionRankParams): Figure {
  const rows = (r.tables.scatterbrain.objects() as Row[]).map((d) => ({ ...d, error: Math.max(d.error, 1e-6) }));
  return figure({
    id: "scatterbrain",
    title: "Approximation error of softmax attention against temperature",
    caption: `‖Â − A‖_F/‖A‖_F for A = softmax(QKᵀ/(τ√d)); random heads: N = ${p.sbN}, d = ${p.sbD}, budget b = ${p.budget} per query; ` +
      `trained: the softmax ViT's head, N = 49, b = ${p.sbTrainedBudget} (sparse: top-b; low-rank: b features or rank b; ` +
      `sparse + low-rank: b/2 each; the oracle's sparse + low-rank is its converged alternating projections). Errors below 1e-6 are drawn at 1e-6. After Chen et al. (arXiv:2110.15343), Fig. 1 left.`,
    plot: {
      marginRight: 70,
      x: { type: "log", label: "temperature τ", tickFormat: "~g" },
      y: { type: "log", label: "relative error", grid: true },
      fx: { label: null },
      fy: { label: "tokens" },
      color: { legend: true, domain: ["sparse", "low-rank", "sparse+low-rank"], range: ["#f28e2b", "#76b7b2", "#b07aa1"], label: "approximation" },
      marks: [
        Plot.line(rows, { x: "temperature", y: "error", stroke: "method", fx: "family", fy: "input", strokeWidth: 1.6 }),
        Plot.dot(rows, { x: "temperature", y: "error", fill: "method", fx: "family", fy: "input", r: 2.5 }),
      ],
    },
  });
}

/** Error of the oracle sparse + low-rank decomposition against iteration, one line per (τ, start). */
function decomposition(r: AttentionRankResult, p: AttentionRankParams): Figure {
  const rows = (r.tables.decomposition.objects() as Row[]).map((d) => ({ ...d, error: Math.max(d.error, 1e-6), line: `${d.temperature}|${d.start}` }));
  return figure({
    id: "decomposition",
    title: "Convergence of the oracle sparse + low-rank decomposition",
    caption: `‖A − L − S‖_F/‖A‖_F after each alternating-projection iteration, one line per temperature τ (colour: dark = low τ, yellow = high τ) and start; a run stops when ` +
      `an iteration changes the error by at most 1e-4 of itself or 1e-6, or after ${p.sbIterations} iterations. Errors below 1e-6 are drawn at 1e-6.`,
    plot: {
      marginRight: 70,
      x: { type: "log", label: "iteration", tickFormat: "~g" },
      y: { type: "log", label: "relative error", grid: true },
      fx: { label: null },
      fy: { label: "tokens" },
      color: { type: "log", scheme: "viridis", label: "temperature τ", legend: true },
      marks: [Plot.line(rows, { x: "iteration", y: "error", z: "line", stroke: "temperature", fx: "start", fy: "input", strokeWidth: 1.2 })],
    },
  });
}

export function figures(r: AttentionRankResult, p: AttentionRankParams): Figure[] {
  const out = [spectra(r, p), rankAgainst(r, p, "N"), rankAgainst(r, p, "d")];
  if (r.tables.accuracy.numRows() > 0) out.push(accuracyFigure(r, p), lossFigure(r), trainedRanks(r, p));
  if (r.tables.scatterbrain.numRows() > 0) out.push(scatterbrain(r, p));
  if (r.tables.decomposition.numRows() > 0) out.push(decomposition(r, p));
  return out;
}
