/**
 * The figures: error against step for exact and approximate updates; success probability
 * against |Ω|/(n k ln n); median wall time per half-step against |Ω| and against k, for both
 * solvers (log-log). After Gu, Song, Yin & Zhang (arXiv:2302.11068), which has no figures of
 * its own: these are the plots its claims call for.
 */
import * as Plot from "@observablehq/plot";
import { figure, type Figure } from "../../plot/figure.js";
import type { MatrixCompletionParams } from "./params.js";
import { medians, successByC, type CurveRow, type MatrixCompletionResult, type SuccessRow, type TimingRow } from "./tables.js";
import { rowsOf } from "../rows.js";

const SHOWN_FLOOR = 1e-16;
const label = { exact: "exact least squares", approx: "approximate (CGLS)" } as const;

export function figures(r: MatrixCompletionResult, p: MatrixCompletionParams): Figure[] {
  const curves = rowsOf<CurveRow>(r.tables.curves).map((c) => ({ ...c, error: Math.max(c.error, SHOWN_FLOOR), solverLabel: label[c.solver] }));
  const successRows = rowsOf<SuccessRow>(r.tables.success);
  const successOf = (s: "exact" | "approx") => successByC(successRows, s).map((x) => ({ ...x, solverLabel: label[s] }));
  const exactSuccess = successOf("exact"), approxSuccess = successOf("approx");
  const timing = rowsOf<TimingRow>(r.tables.timing);
  const setting = `M ${p.m}×${p.n} of rank k=${p.k}, κ=${p.kappa}`;
  const domain = [label.exact, label.approx];

  const errors = figure({
    id: "error-vs-iteration",
    title: "Relative error of alternating minimisation: exact against approximate row updates",
    caption:
      `‖X_tY_tᵀ − M‖_F/‖M‖_F over all entries; ${setting}, |Ω| = ${p.c}·n·k·ln n, spectral start; the approximate solver runs ${p.cgIters} CGLS iterations per row, warm-started. ` +
      `Both fall linearly (straight on the log axis) to round-off. After Gu, Song, Yin & Zhang (arXiv:2302.11068).`,
    plot: {
      x: { label: "alternating step t" },
      y: { type: "log", label: "relative error", grid: true },
      color: { legend: true, domain },
      marks: [Plot.line(curves, { x: "iter", y: "error", stroke: "solverLabel" }), Plot.dot(curves, { x: "iter", y: "error", fill: "solverLabel", r: 2 })],
    },
  });

  const successFig = figure({
    id: "success-vs-samples",
    title: "Probability of recovery against |Ω|/(n k ln n)",
    caption:
      `Fraction of ${p.trials} independent (M, Ω) draws recovered to ≤ ${p.successTol} after ${p.T} steps, both solvers from the same spectral start; ${setting}. ` +
      `Exact: open rings, approximate: dots on a dashed line. The grey dashed rule is c = ${p.cClaim}, where recovery is claimed.`,
    plot: {
      x: { label: "c = |Ω| / (n k ln n)" },
      y: { label: "success probability", domain: [0, 1], grid: true },
      color: { legend: true, domain },
      marks: [
        Plot.ruleX([p.cClaim], { stroke: "#999", strokeDasharray: "4,3" }),
        // The two solvers often agree at every c: exact as open rings under approximate's dots, so both stay visible.
        Plot.line(exactSuccess, { x: "c", y: "fraction", stroke: "solverLabel" }),
        Plot.line(approxSuccess, { x: "c", y: "fraction", stroke: "solverLabel", strokeDasharray: "5,3" }),
        Plot.dot(exactSuccess, { x: "c", y: "fraction", stroke: "solverLabel", r: 6, strokeWidth: 1.5 }),
        Plot.dot(approxSuccess, { x: "c", y: "fraction", fill: "solverLabel", r: 3 }),
      ],
    },
  });

  const timeRows = (sweep: "k" | "omega") =>
    (["exact", "approx"] as const).flatMap((s) => medians(timing, sweep, s).map((m) => ({ ...m, solverLabel: label[s], perOmega: m.seconds / m.omega })));
  const byOmega = figure({
    id: "time-vs-omega",
    title: "Wall time per half-step against |Ω| (medians, this run)",
    caption: `n=${p.timingN}, k=${p.timingK}, |Ω| = c·n·k·ln n for c ∈ {${p.timingCs.join(", ")}}; ${p.timingRepeats} repeats each. Log-log: a slope of 1 is linear time.`,
    plot: {
      x: { type: "log", label: "|Ω|" },
      y: { type: "log", label: "seconds per half-step", grid: true },
      color: { legend: true, domain },
      marks: [Plot.line(timeRows("omega"), { x: "omega", y: "seconds", stroke: "solverLabel" }), Plot.dot(timeRows("omega"), { x: "omega", y: "seconds", fill: "solverLabel", r: 3 })],
    },
  });
  const byK = figure({
    id: "time-vs-k",
    title: "Wall time per observed entry against k (medians, this run)",
    caption: `n=${p.timingN}, |Ω| = ${p.timingC}·n·k·ln n; ${p.timingRepeats} repeats each. Log-log: slope 1 for O(|Ω|k), 2 for O(|Ω|k²).`,
    plot: {
      x: { type: "log", label: "rank k" },
      y: { type: "log", label: "seconds / |Ω|", grid: true },
      color: { legend: true, domain },
      marks: [Plot.line(timeRows("k"), { x: "k", y: "perOmega", stroke: "solverLabel" }), Plot.dot(timeRows("k"), { x: "k", y: "perOmega", fill: "solverLabel", r: 3 })],
    },
  });
  return timing.length > 0 ? [errors, successFig, byOmega, byK] : [errors, successFig];
}
