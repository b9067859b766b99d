/**
 * The figures: error against iteration for ℓ1 SubGM and ℓ2 GD at several p, final error against
 * p (where each method breaks down), final error against α, and over-parameterised against exact
 * SubGM beside the predicted ρᵗ. Log axes wherever errors span decades. After Ma & Fattahi
 * (arXiv:2202.08788); the paper's figure numbers could not be read (see README).
 */
import * as Plot from "@observablehq/plot";
import { figure, type Figure } from "../../plot/figure.js";
import type { RobustRecoveryParams } from "./params.js";
import { curveOf, fitRate, toleranceAt, type CurveRow, type FinalRow, type RobustRecoveryResult } from "./tables.js";
import { rowsOf } from "../rows.js";

/** Errors below this are float64 round-off; clamping keeps log axes finite if a run hits 0 exactly. */
const SHOWN_FLOOR = 1e-16;
const shown = (x: number) => Math.max(x, SHOWN_FLOOR);
const methodLabel = { l1: "ℓ1 SubGM", l2: "ℓ2 GD" } as const;

export function figures(r: RobustRecoveryResult, p: RobustRecoveryParams): Figure[] {
  const curves = rowsOf<CurveRow>(r.tables.curves);
  const final = rowsOf<FinalRow>(r.tables.final);
  const setting = `n=${p.n}, r=${p.r}, m=${p.m}, outliers ~ N(0, (${p.outlierScale}‖X*‖_F)²)${p.sigma > 0 ? `, dense noise σ=${p.sigma}` : ""}`;
  const tol = toleranceAt(p.pMain, p);

  const sweep = curves
    .filter((c) => c.alpha === p.alpha && c.rPrime === p.rPrime && p.ps.includes(c.p))
    .map((c) => ({ ...c, error: shown(c.error), pLabel: `p=${c.p}`, methodLabel: methodLabel[c.method] }));
  const pOrder = [...new Set(p.ps)].sort((a, b) => a - b).map((x) => `p=${x}`);
  const byP = figure({
    id: "error-vs-iteration",
    title: "Relative error of ℓ1 SubGM (solid) and ℓ2 GD (dashed), by outlier fraction p",
    caption:
      `‖U_tU_tᵀ − X*‖_F/‖X*‖_F; ${setting}; r′=${p.rPrime}, α=${p.alpha}, SubGM steps η_t = ${p.eta0}·${p.rho}ᵗ/‖Q_t‖₂, GD step ${p.etaL2}. ` +
      `SubGM falls linearly to a small error while p stays below its breakdown point; GD on the ℓ2 loss fits the outliers at every p > 0. After Ma & Fattahi (arXiv:2202.08788).`,
    plot: {
      x: { label: "iteration t" },
      y: { type: "log", label: "relative error", grid: true },
      color: { legend: true, domain: pOrder, scheme: "viridis" },
      marks: [
        Plot.line(sweep.filter((d) => d.method === "l1"), { x: "iter", y: "error", stroke: "pLabel", z: "variant", strokeWidth: 1.6 }),
        Plot.line(sweep.filter((d) => d.method === "l2"), { x: "iter", y: "error", stroke: "pLabel", z: "variant", strokeWidth: 1.4, strokeDasharray: "5,3" }),
      ],
    },
  });

  const finalByP = final
    .filter((f) => f.alpha === p.alpha && f.rPrime === p.rPrime && p.ps.includes(f.p))
    .map((f) => ({ ...f, finalError: shown(f.finalError), methodLabel: methodLabel[f.method] }));
  const phase = figure({
    id: "error-vs-p",
    title: "Final error against the outlier fraction p: where each method breaks down",
    caption:
      `${setting}; r′=${p.rPrime}, α=${p.alpha}, after T=${p.T} iterations. The grey line is the recovery tolerance ${tol.toExponential(0)}, ` +
      `the dashed rule pCovered=${p.pCovered}, the largest p the recovery claim judges. ℓ1 SubGM stays near zero error up to a breakdown fraction that grows with m; ℓ2 GD fails as soon as p > 0.`,
    plot: {
      x: { label: "outlier fraction p" },
      y: { type: "log", label: "final relative error", grid: true },
      color: { legend: true, domain: ["ℓ1 SubGM", "ℓ2 GD"] },
      marks: [
        Plot.ruleY([tol], { stroke: "#999" }),
        Plot.ruleX([p.pCovered], { stroke: "#999", strokeDasharray: "4,3" }),
        Plot.line(finalByP, { x: "p", y: "finalError", stroke: "methodLabel", sort: "p" }),
        Plot.dot(finalByP, { x: "p", y: "finalError", stroke: "methodLabel", fill: "methodLabel", r: 3, title: "variant" }),
      ],
    },
  });

  const alphas = final
    .filter((f) => f.method === "l1" && f.p === p.pMain && f.rPrime === p.rPrime && p.alphas.includes(f.alpha))
    .map((f) => ({ ...f, finalError: shown(f.finalError), label: `r′=${p.rPrime}` }));
  const exactFinal = final.find((f) => f.method === "l1" && f.p === p.pMain && f.alpha === p.alpha && f.rPrime === p.r);
  const exactMark = exactFinal ? [{ alpha: p.alpha, finalError: shown(exactFinal.finalError), label: `r′=r=${p.r}, α=${p.alpha}` }] : [];
  const byAlpha = figure({
    id: "error-vs-alpha",
    title: "Final error of over-parameterised ℓ1 SubGM against the initialisation scale α",
    caption:
      `${setting}; p=${p.pMain}, r′=${p.rPrime}, T=${p.T}. The error left by over-parameterisation shrinks with α (log-log axes); ` +
      `the square is the exact parameterisation r′ = r, which has no α-dependent floor.`,
    plot: {
      x: { type: "log", label: "initialisation scale α" },
      y: { type: "log", label: "final relative error", grid: true },
      marks: [
        Plot.line(alphas, { x: "alpha", y: "finalError", sort: "alpha", stroke: "#4e79a7" }),
        Plot.dot(alphas, { x: "alpha", y: "finalError", fill: "#4e79a7", r: 3.5, title: "variant" }),
        Plot.dot(exactMark, { x: "alpha", y: "finalError", symbol: "square", fill: "#e15759", r: 4.5, title: "label" }),
        Plot.text(exactMark, { x: "alpha", y: "finalError", text: "label", dx: 8, dy: -8, textAnchor: "start", fill: "#e15759" }),
      ],
    },
  });

  const pair = curves
    .filter((c) => c.method === "l1" && c.p === p.pMain && c.alpha === p.alpha && (c.rPrime === p.r || c.rPrime === p.rPrime))
    .map((c) => ({ ...c, error: shown(c.error), label: c.rPrime === p.r ? `exact, r′=r=${p.r}` : `over-parameterised, r′=${p.rPrime}` }));
  // The predicted ρᵗ, through the exact curve at the start of its fitted window.
  const exact = curveOf(r.tables.curves, "l1", p.pMain, p.alpha, p.r);
  const reference: Array<{ iter: number; error: number }> = [];
  if (exact) {
    const fit = fitRate(exact);
    const k = exact.iters.indexOf(fit.from);
    if (k >= 0) {
      for (let j = k; j < exact.iters.length; j++) reference.push({ iter: exact.iters[j], error: shown(exact.errors[k] * p.rho ** (exact.iters[j] - fit.from)) });
    }
  }
  const overVsExact = figure({
    id: "overparam-vs-exact",
    title: "Over-parameterised against exact ℓ1 SubGM, with the predicted linear rate ρᵗ",
    caption:
      `${setting}; p=${p.pMain}, α=${p.alpha}. Both fall at the step-size decay rate ρ=${p.rho} (dotted: ρᵗ) until the over-parameterised run ` +
      `reaches its α-dependent floor; small initialisation keeps over-parameterisation from slowing the descent.`,
    plot: {
      x: { label: "iteration t" },
      y: { type: "log", label: "relative error", grid: true },
      color: { legend: true },
      marks: [
        Plot.line(reference, { x: "iter", y: "error", stroke: "#999", strokeDasharray: "2,3" }),
        Plot.line(pair, { x: "iter", y: "error", stroke: "label", strokeWidth: 1.6 }),
      ],
    },
  });
  return [byP, phase, byAlpha, overVsExact];
}
