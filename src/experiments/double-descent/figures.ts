/**
 * The papers' plots: test risk (log y) and solution norm against N/n with the interpolation
 * threshold marked (Belkin et al. 2019, Fig. 2); the same sweep with label noise and with ridge
 * (Nakkiran et al.); risk against n at fixed N; the isotropic risk next to its closed form
 * (Hastie et al. 2019, Thm 1); LoRA losses against rank.
 */
import * as Plot from "@observablehq/plot";
import { figure, type Figure } from "../../plot/figure.js";
import { mainFeatures, type DoubleDescentParams } from "./params.js";
import type { DoubleDescentResult } from "./run.js";
import { curveOf, envelope, theoryRows, variants } from "./summary.js";

type Row = { probe: string; features: string; variant: string; size: number; ratio: number; testRisk: number; testError: number; norm: number; trainRisk: number };

const threshold = (x = 1) => Plot.ruleX([x], { stroke: "#888", strokeDasharray: "4,3" });
const thresholdLabel = (x: number, y: number, text: string) => Plot.text([{ x, y }], { x: "x", y: "y", text: () => text, dx: 6, textAnchor: "start", fill: "#666" });

export function figures(r: DoubleDescentResult, p: DoubleDescentParams): Figure[] {
  const out: Figure[] = [];
  const { curves, theory, lora } = r.tables;
  const rows = curves ? (curves.objects() as Row[]) : [];
  const of = (probe: string) => rows.filter((d) => d.probe === probe);
  const feat = (k: string) => (k === "relu" ? "ReLU" : "Fourier");
  const main = mainFeatures(p);

  const mw = of("model-wise").map((d) => ({ ...d, features: feat(d.features) }));
  if (mw.length > 0) {
    const top = Math.max(...mw.map((d) => d.testRisk));
    out.push(figure({
      id: "model-wise-risk",
      title: "Model-wise double descent: test risk against N/n",
      caption: `Random features on ${p.n} MNIST digits, minimum-norm least squares (least squares below N = n), squared loss on one-hot labels, ${p.m} test digits. The dashed line is the interpolation threshold N = n. After Belkin et al. 2019 (arXiv:1812.11118), Fig. 2.`,
      plot: {
        x: { type: "log", label: "N/n (features per training sample)" },
        y: { type: "log", label: "test risk (mean squared error)", grid: true },
        color: { legend: true },
        marks: [threshold(), thresholdLabel(1, top, "N = n"), Plot.line(mw, { x: "ratio", y: "testRisk", stroke: "features", marker: "circle" })],
      },
    }));
    out.push(figure({
      id: "model-wise-norm",
      title: "Norm of the solution against N/n",
      caption: "‖β̂‖ with features scaled by 1/√N, so that as N → ∞ it tends to the RKHS norm of the kernel interpolant. It peaks where the risk does. After Belkin et al. 2019, Fig. 2.",
      plot: {
        x: { type: "log", label: "N/n" },
        y: { type: "log", label: "‖β̂‖₂", grid: true },
        color: { legend: true },
        marks: [threshold(), Plot.line(mw, { x: "ratio", y: "norm", stroke: "features", marker: "circle" })],
      },
    }));
    out.push(figure({
      id: "model-wise-error",
      title: "Zero-one test error against N/n",
      caption: "Classification error of the same solutions (argmax of the ten outputs). After Belkin et al. 2019, Fig. 2.",
      plot: {
        x: { type: "log", label: "N/n" },
        y: { label: "test error (fraction misclassified)", grid: true, domain: [0, 1] },
        color: { legend: true },
        marks: [threshold(), Plot.line(mw, { x: "ratio", y: "testError", stroke: "features", marker: "circle" })],
      },
    }));
  }

  const ln = of("label-noise");
  if (ln.length > 0) {
    out.push(figure({
      id: "label-noise",
      title: "Label noise raises the peak",
      caption: `${feat(main)} features, n = ${p.n}; a fraction of the training labels replaced by another class, test labels clean. The claim compares the geometric-mean risk over 0.5 ≤ N/n ≤ 2, the single point N = n being heavy-tailed. After Nakkiran et al. 2019 (arXiv:1912.02292).`,
      plot: {
        x: { type: "log", label: "N/n" },
        y: { type: "log", label: "test risk", grid: true },
        // Clean labels in blue, then darker reds for more noise (a sequential scheme's palest end is unreadable).
        color: { legend: true, type: "ordinal", domain: variants(curves!, "label-noise"), range: ["#2166ac", "#f4a582", "#d6604d", "#b2182b", "#67001f", "#3f0011"] },
        marks: [threshold(), Plot.line(ln, { x: "ratio", y: "testRisk", stroke: "variant", marker: "circle" })],
      },
    }));
  }

  const rg = of("ridge");
  if (rg.length > 0 && curves) {
    const lambdas = variants(curves, "ridge").filter((v) => v !== "λ=0");
    const env = envelope(lambdas.map((v) => curveOf(curves, "ridge", main, v)));
    const ratios = curveOf(curves, "ridge", main, "λ=0").ratio;
    const opt = ratios.map((ratio, i) => ({ ratio, testRisk: env.testRisk[i], variant: "optimal λ" }));
    out.push(figure({
      id: "ridge",
      title: "Optimal ridge removes the peak",
      caption: `${feat(main)} features, n = ${p.n}, ridge penalty λ‖β‖² on features scaled by 1/√n; black: the best λ of the grid at each N. After Nakkiran, Venkat, Kakade & Ma 2020 (arXiv:2003.01897).`,
      plot: {
        x: { type: "log", label: "N/n" },
        y: { type: "log", label: "test risk", grid: true },
        color: { legend: true, domain: ["λ=0", ...lambdas], scheme: "viridis" },
        marks: [
          threshold(),
          Plot.line(rg, { x: "ratio", y: "testRisk", stroke: "variant", strokeWidth: 1.4 }),
          Plot.line(opt, { x: "ratio", y: "testRisk", stroke: "black", strokeWidth: 2.5, strokeDasharray: "6,3" }),
        ],
      },
    }));
  }

  const sw = of("sample-wise");
  if (sw.length > 0) {
    const N = p.sampleN;
    const top = Math.max(...sw.map((d) => d.testRisk));
    out.push(figure({
      id: "sample-wise",
      title: "Sample-wise: more data can hurt",
      caption: `${feat(main)} features, N = ${N} fixed, minimum-norm solution for n < N and least squares for n ≥ N. Between n ≈ N/2 and n = N, adding samples raises the test risk. After Nakkiran et al. 2019.`,
      plot: {
        x: { type: "log", label: "training samples n" },
        y: { type: "log", label: "test risk", grid: true },
        marks: [threshold(N), thresholdLabel(N, top, "n = N"), Plot.line(sw, { x: "size", y: "testRisk", marker: "circle" })],
      },
    }));
  }

  if (theory) {
    const th = theoryRows(theory);
    const cf = th.filter((t) => Number.isFinite(t.closedForm));
    const lines = [...cf.filter((t) => t.gamma < 1), ...cf.filter((t) => t.gamma > 1)].map((t) => ({ ...t, side: t.gamma < 1 ? "under" : "over" }));
    out.push(figure({
      id: "theory",
      title: "Isotropic min-norm least squares against the closed form",
      caption: `x ~ N(0, I_p), p = ${p.theoryP}, ‖β‖ = 1, σ = ${p.theorySigma}; dots: mean of ${p.theoryTrials} draws of ‖β̂ − β‖² (bars: ±2 standard errors); line: the limit of Hastie, Montanari, Rosset & Tibshirani 2019 (arXiv:1903.08560), Thm 1.`,
      plot: {
        x: { type: "log", label: "γ = p/n" },
        y: { type: "log", label: "excess risk ‖β̂ − β‖²", grid: true },
        color: { legend: true, domain: ["closed form (Thm 1)", "measured mean ± 2 SE"], range: ["#d62728", "#1f77b4"] },
        marks: [
          threshold(),
          Plot.line(lines, { x: "gamma", y: "closedForm", z: "side", stroke: () => "closed form (Thm 1)" }),
          // Bars stop at a quarter of the mean: at γ = 1 the spread exceeds the mean and a log axis has no room below zero.
          Plot.ruleX(th, { x: "gamma", y1: (t: { risk: number; se: number }) => Math.max(t.risk - 2 * t.se, t.risk / 4), y2: (t: { risk: number; se: number }) => t.risk + 2 * t.se, stroke: () => "measured mean ± 2 SE" }),
          Plot.dot(th, { x: "gamma", y: "risk", fill: () => "measured mean ± 2 SE", r: 3 }),
        ],
      },
    }));
  }

  if (lora) {
    const lr = lora.objects() as Array<{ method: string; rank: number; trainLoss: number; testLoss: number }>;
    const ranks = [...new Set(lr.map((d) => d.rank))].sort((a, b) => a - b);
    const x = { type: "log" as const, base: 2, ticks: ranks, tickFormat: "d", label: "LoRA rank r" };
    const setting = `A 196-128-128-10 network pretrained on digits 0-4, fine-tuned on ${p.loraTrain} digits 5-9 (${Math.round(p.loraNoise * 100)}% label noise) with LoRA on the middle layer plus the output layer, ${p.loraSteps} Adam steps per rank`;
    out.push(figure({
      id: "lora-rank-test",
      title: "LoRA fine-tuning: test loss against rank",
      caption: `${setting}; test loss on 1000 clean digits 5-9, with and without the GGPO-style perturbation. Cf. Chang et al. 2025 (arXiv:2502.14538).`,
      plot: {
        x, y: { label: "test loss (squared error)", grid: true, zero: true }, // from zero, so small wiggles do not pass for peaks
        color: { legend: true },
        marks: [Plot.line(lr, { x: "rank", y: "testLoss", stroke: "method", marker: "circle" })],
      },
    }));
    out.push(figure({
      id: "lora-rank-train",
      title: "LoRA fine-tuning: training loss against rank",
      caption: `${setting}; training loss on the noisy labels it was fitted to. The test-loss peak sits where this reaches (near) zero.`,
      plot: {
        x, y: { type: "log", label: "training loss (squared error)", grid: true },
        color: { legend: true },
        marks: [Plot.line(lr, { x: "rank", y: "trainLoss", stroke: "method", marker: "circle" })],
      },
    }));
  }
  return out;
}
