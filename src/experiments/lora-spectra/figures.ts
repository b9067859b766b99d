/**
 * The paper's plots (Shuttleworth et al., arXiv:2410.21228): intruder count against ε per method,
 * singular-vector similarity heat maps for full fine-tuning and LoRA, forgetting against intruder
 * count with the rank correlation (Fig. 7), and the λ intervention (Fig. 8). Plus the check behind
 * the precondition: the pretrained spectra against their random initialisation.
 */
import * as Plot from "@observablehq/plot";
import { figure, type Figure } from "../../plot/figure.js";
import { loraAt } from "./finetune.js";
import type { LoraSpectraParams } from "./params.js";
import type { LambdaRow, LayerRow, LoraSpectraResult, VariantRow } from "./run.js";
import { rowsOf } from "../rows.js";

/** The series a variant belongs to in the ε plot: full FT, a rank, or a frozen-A rank. */
const series = (v: VariantRow) => (v.method === "full" ? "full FT" : `r=${v.r}${v.frozenA ? ", A frozen" : ""}`);
const family = (v: VariantRow) => (v.method === "full" ? "full FT" : v.frozenA ? "LoRA, A frozen" : v.alphaRule === "2r" ? "LoRA, α=2r" : "LoRA, fixed α");

export function figures(r: LoraSpectraResult, p: LoraSpectraParams): Figure[] {
  const all = rowsOf<VariantRow>(r.tables.variants);
  // The comparisons between methods are drawn for the main fine-tuning seed; the correlation uses every seed.
  const variants = all.filter((v) => v.seed === 0);
  const byId = new Map(all.map((v) => [v.id, v]));
  const setting = `${p.layers}-layer ReLU MLP, width ${p.hidden}, on ${p.side}×${p.side} MNIST; fine-tuned on the digits ${p.shift === "rotate90" ? "rotated 90°" : p.shift === "mirror" ? "mirrored" : "inverted"}`;

  // Intruders summed over layers at each ε; full FT drawn in both α panels, frozen A with α = 2r.
  const curves = r.tables.intruders.objects() as Array<{ variant: string; epsilon: number; intruders: number }>;
  const sums = new Map<string, number>();
  for (const c of curves) sums.set(`${c.variant}|${c.epsilon}`, (sums.get(`${c.variant}|${c.epsilon}`) ?? 0) + c.intruders);
  const panelFixed = `α = ${p.alphaFixed}`;
  const eps: object[] = [];
  for (const [key, count] of sums) {
    const [id, e] = key.split("|");
    const v = byId.get(id)!;
    if (v.seed !== 0) continue;
    const panels = v.method === "full" ? ["α = 2r", panelFixed] : v.alphaRule === "2r" ? ["α = 2r"] : [panelFixed];
    // The α = 2r run at r = α_fixed / 2 is also the fixed-α run at that rank.
    if (v.alphaRule === "2r" && !v.frozenA && 2 * v.r === p.alphaFixed) panels.push(panelFixed);
    for (const panel of panels) eps.push({ series: series(v), panel, epsilon: Number(e), intruders: count });
  }
  const seriesOrder = ["full FT", ...p.ranks.map((k) => `r=${k}`), ...p.frozenRanks.map((k) => `r=${k}, A frozen`)];
  const intruders = figure({
    id: "intruders-vs-epsilon",
    title: "Intruder dimensions against the similarity threshold ε",
    caption: `Number of top-${p.k} fine-tuned singular vectors whose largest |cos| with any pretrained singular vector is below ε, summed over the ${p.layers} layers; ${setting}. After the paper's §4 (intruder counts across ε for LoRA ranks, α = 2r and α = 8, and full fine-tuning).`,
    plot: {
      x: { label: "similarity threshold ε", domain: [0.1, 0.9] },
      y: { label: "intruder dimensions (all layers)", grid: true },
      fx: { label: null },
      color: { legend: true, domain: seriesOrder, scheme: "tableau10" },
      marks: [
        Plot.line(eps, { x: "epsilon", y: "intruders", stroke: "series", fx: "panel", strokeWidth: 1.6 }),
        Plot.dot(eps, { x: "epsilon", y: "intruders", fill: "series", fx: "panel", r: 2.5 }),
        Plot.ruleX([p.epsilon], { stroke: "#999", strokeDasharray: "4,3" }),
      ],
    },
  });

  // Heat maps at the layer where the lowest-rank LoRA (α = 2r) has the most intruders.
  const lowest = loraAt(variants, Math.min(...p.ranks), "2r", p.alphaFixed)!;
  const lowestLayers = rowsOf<LayerRow>(r.tables.layers).filter((d) => d.variant === lowest.id);
  // The first layer with the most intruders (layers are 1-based, as in every table).
  const layer = lowestLayers.reduce((best, d) => (d.intruders > best.intruders ? d : best), lowestLayers[0]).layer;
  const heat = (r.tables.similarity.objects() as Array<{ variant: string; label: string; layer: number; i: number; j: number; similarity: number }>)
    .filter((d) => d.layer === layer && (d.variant === "full" || d.variant === lowest.id));
  const similarity = figure({
    id: "similarity-heatmap",
    title: `Singular-vector similarity, layer ${layer}: full fine-tuning vs ${lowest.label}`,
    caption: `|cos| between the top ${p.k} fine-tuned left singular vectors (rows) and the top ${p.k} pretrained ones (columns). Full fine-tuning keeps a bright diagonal; LoRA's intruders are rows with no bright cell. After the paper's similarity heat maps (§4).`,
    plot: {
      width: 760,
      height: 380,
      padding: 0.04,
      x: { label: "pretrained singular vector i" },
      y: { label: "fine-tuned singular vector j" },
      fx: { label: null, domain: ["full FT", lowest.label] },
      // Quantised in steps of 0.1 (the ε grid): Plot draws a continuous ramp legend with canvas, which Node lacks.
      color: { type: "quantize", n: 10, scheme: "viridis", domain: [0, 1], legend: true, label: "|cos(u_j, u0_i)|" },
      marks: [Plot.cell(heat, { x: "i", y: "j", fill: "similarity", fx: "label" })],
    },
  });

  const points = all.map((v) => ({ family: family(v), intruders: v.intruders, forgetting: v.forgetting, tag: v.method === "full" ? "full" : `r=${v.r}` }));
  const seeds = new Set(all.map((v) => v.seed)).size;
  const m = r.metrics;
  const forgetting = figure({
    id: "forgetting-vs-intruders",
    title: `Forgetting against intruders: Spearman ρ = ${m["correlation.rho"].toFixed(2)}, 95% [${m["correlation.lo"].toFixed(2)}, ${m["correlation.hi"].toFixed(2)}]`,
    caption: `Each point is one fine-tuned model (${all.length} from ${seeds} fine-tuning seeds): its intruders at ε = ${p.epsilon} (all layers) and its forgetting, the rise of the pretraining-task test loss with the pretraining head; the interval is a bootstrap over models. After the paper's Fig. 7 (ρ = 0.971 there).`,
    plot: {
      marginRight: 40,
      x: { label: `intruder dimensions at ε = ${p.epsilon}`, inset: 12, ticks: Array.from({ length: Math.max(...points.map((q) => q.intruders)) + 1 }, (_, i) => i), tickFormat: "d" },
      y: { label: "forgetting Δ loss (nats)", grid: true },
      color: { legend: true, domain: ["full FT", "LoRA, α=2r", "LoRA, fixed α", "LoRA, A frozen"], scheme: "tableau10" },
      marks: [
        Plot.dot(points, { x: "intruders", y: "forgetting", fill: "family", r: 4 }),
        Plot.text(points, { x: "intruders", y: "forgetting", text: "tag", dx: 8, textAnchor: "start", fontSize: 10 }),
      ],
    },
  });

  const lam = rowsOf<LambdaRow>(r.tables.intervention);
  const target = byId.get(lam[0].variant)!;
  const accRows = lam.flatMap((q) => [
    { lambda: q.lambda, task: "new task (shifted digits)", accuracy: q.newAcc },
    { lambda: q.lambda, task: "pretraining task", accuracy: q.oldAcc },
  ]);
  const interventionForgetting = figure({
    id: "intervention-forgetting",
    title: `Scaling the intruders by λ: forgetting (${target.label})`,
    caption: `Each layer's intruder singular values (${target.intrudersByLayer} by layer) multiplied by λ in the merged weights; λ = 1 is the fine-tuned model. After the paper's Fig. 8.`,
    plot: {
      x: { label: "λ (scale of the intruders' singular values)" },
      y: { label: "forgetting Δ loss (nats)", grid: true },
      marks: [Plot.ruleX([1], { stroke: "#999", strokeDasharray: "4,3" }), Plot.line(lam, { x: "lambda", y: "forgetting" }), Plot.dot(lam, { x: "lambda", y: "forgetting", r: 3 })],
    },
  });
  const interventionAccuracy = figure({
    id: "intervention-accuracy",
    title: `Scaling the intruders by λ: accuracy on both tasks (${target.label})`,
    caption: "Test accuracy of the new task (new head) and of the pretraining task (pretraining head) as the intruders are scaled. After the paper's Fig. 8.",
    plot: {
      x: { label: "λ (scale of the intruders' singular values)" },
      y: { label: "test accuracy", grid: true, domain: [0, 1] },
      color: { legend: true },
      marks: [
        Plot.ruleX([1], { stroke: "#999", strokeDasharray: "4,3" }),
        Plot.line(accRows, { x: "lambda", y: "accuracy", stroke: "task" }),
        Plot.dot(accRows, { x: "lambda", y: "accuracy", fill: "task", r: 3 }),
      ],
    },
  });

  const shown = Math.min(3 * p.k, p.hidden);
  const spec = (r.tables.spectra.objects() as Array<{ layer: number; which: string; index: number; sigma: number }>)
    .filter((d) => d.index <= shown)
    .map((d) => ({ ...d, panel: `layer ${d.layer}` }));
  const spectra = figure({
    id: "pretrained-spectra",
    title: "Top singular values after pretraining and at initialisation",
    caption: `The top ${shown} singular values of each backbone weight. Pretraining (with weight decay, from a small init) lifts a few well-spaced values above the random bulk, so the top ${p.k} singular vectors are well defined; a random matrix's top values crowd together. The dashed line marks k = ${p.k}.`,
    plot: {
      x: { label: "index i" },
      y: { type: "log", label: "singular value σ_i", grid: true, tickFormat: "~g" },
      fx: { label: null },
      color: { legend: true, domain: ["pretrained", "random init"], range: ["#4e79a7", "#bab0ac"] },
      marks: [
        Plot.ruleX([p.k + 0.5], { stroke: "#999", strokeDasharray: "4,3" }),
        Plot.line(spec, { x: "index", y: "sigma", stroke: "which", fx: "panel" }),
        Plot.dot(spec, { x: "index", y: "sigma", fill: "which", fx: "panel", r: 2 }),
      ],
    },
  });

  const acc = variants.filter((v) => v.method === "lora").map((v) => ({ r: v.r, family: family(v), newAcc: v.newAcc }));
  const full = byId.get("full")!;
  const accuracy = figure({
    id: "new-task-accuracy",
    title: "New-task accuracy by rank: the accuracy the methods share",
    caption: `Shifted-digit test accuracy of every LoRA run; the grey line is full fine-tuning (${full.newAcc.toFixed(3)}). The paper's point: similar accuracy, different weights.`,
    plot: {
      x: { type: "log", base: 2, label: "LoRA rank r", ticks: p.ranks, tickFormat: "d" },
      y: { label: "new-task test accuracy", grid: true },
      color: { legend: true, domain: ["LoRA, α=2r", "LoRA, fixed α", "LoRA, A frozen"], range: ["#f28e2b", "#e15759", "#76b7b2"] },
      marks: [
        Plot.ruleY([full.newAcc], { stroke: "#999", strokeDasharray: "4,3" }),
        Plot.line(acc.filter((d) => d.family !== "LoRA, A frozen"), { x: "r", y: "newAcc", stroke: "family" }),
        Plot.dot(acc, { x: "r", y: "newAcc", fill: "family", r: 3.5 }),
      ],
    },
  });
  return [intruders, similarity, forgetting, interventionForgetting, interventionAccuracy, spectra, accuracy];
}
