/**
 * The fine-tuning variants of the paper's comparison and how each is trained: full fine-tuning
 * at a small η; LoRA at each rank r with α = 2r and with a fixed α; LoRA with A frozen at its
 * random init (Appendix A.5). The learning rates are the authors' per setting (their RoBERTa-base
 * script: full FT 1e-5; r = 1, α = 2 at 3e-4; r = 8, α = 16 at 1.5e-4), times one common multiplier.
 * Every variant of one fine-tuning seed starts from the same pretrained network, gets the same
 * fresh head (same init, same η) and sees the same minibatches, so they differ only in the method;
 * the replicate seeds draw new ones.
 */
import { tf } from "../../compute/backend.js";
import type { Rng } from "../../compute/rng.js";
import { adapter, crossEntropy, dense, logits, type Adapter, type Dense } from "./model.js";
import type { LoraSpectraParams } from "./params.js";
import { train, type Batches, type Group } from "./train.js";

export interface Variant {
  /** Stable key for metrics and tables, e.g. 'full', 'lora-r4-a2r', 'lora-r4-a8', 'lora-r1-a2r-frozenA'. */
  id: string;
  /** Legend text, e.g. 'LoRA r=4, α=2r'. */
  label: string;
  method: "full" | "lora";
  /** LoRA rank (0 for full fine-tuning). */
  r: number;
  alpha: number;
  /** How α was chosen: '2r', 'fixed', or 'none' for full fine-tuning. */
  alphaRule: "2r" | "fixed" | "none";
  frozenA: boolean;
  /** Peak learning rate of the backbone's trainable parameters. */
  lr: number;
  /** Fine-tuning seed: 0 for the main comparison, 1.. for the replicates of the correlation. */
  seed: number;
}

/**
 * LoRA's peak η at rank r, before the multiplier: the authors' two settings (r = 1: 3e-4, r = 8:
 * 1.5e-4) and, between and beyond them, geometric in log r (η ∝ r^(-1/3) with the defaults). The
 * fixed-α and frozen-A runs take their rank's η, so α (or freezing A) is the only change.
 */
export function loraLr(p: LoraSpectraParams, r: number): number {
  return p.lrLoraR1 * (p.lrLoraR8 / p.lrLoraR1) ** (Math.log2(r) / 3);
}

export function variantsFor(p: LoraSpectraParams): Variant[] {
  const full = (seed: number): Variant => ({
    id: seed ? `full-s${seed}` : "full", label: seed ? `full FT, seed ${seed}` : "full FT",
    method: "full", r: 0, alpha: 0, alphaRule: "none", frozenA: false, lr: p.lrScale * p.lrFull, seed,
  });
  const lora = (r: number, alpha: number, rule: "2r" | "fixed", frozenA: boolean, seed = 0): Variant => ({
    id: `lora-r${r}-a${rule === "2r" ? "2r" : alpha}${frozenA ? "-frozenA" : ""}${seed ? `-s${seed}` : ""}`,
    label: `LoRA r=${r}, α=${rule === "2r" ? "2r" : alpha}${frozenA ? ", A frozen" : ""}${seed ? `, seed ${seed}` : ""}`,
    method: "lora", r, alpha, alphaRule: rule, frozenA, lr: p.lrScale * loraLr(p, r), seed,
  });
  const v: Variant[] = [full(0)];
  for (const r of p.ranks) v.push(lora(r, 2 * r, "2r", false));
  // Where 2r equals the fixed α the two runs would be identical; the α = 2r one stands for both.
  for (const r of p.ranks) if (2 * r !== p.alphaFixed) v.push(lora(r, p.alphaFixed, "fixed", false));
  for (const r of p.frozenRanks) v.push(lora(r, 2 * r, "2r", true));
  for (let seed = 1; seed <= p.replicates; seed++) {
    v.push(full(seed));
    for (const r of p.replicateRanks) v.push(lora(r, 2 * r, "2r", false, seed));
  }
  return v;
}

/**
 * The variant's prefix in the metric keys: 'full', 'lora.r4.alpha2r', 'lora.r4.alphaFixed',
 * 'lora.r1.alpha2r.frozenA' (the fixed α is a param, so its value need not be in the key); metrics are
 * written for the main fine-tuning seed only, the replicates being in the variants table.
 */
export function metricPrefix(v: Variant): string {
  if (v.method === "full") return "full";
  return `lora.r${v.r}.${v.alphaRule === "2r" ? "alpha2r" : "alphaFixed"}${v.frozenA ? ".frozenA" : ""}`;
}

/** The α = 2r or fixed-α run at rank r (of fine-tuning seed `seed`), whichever the comparison at that rank uses. */
export function loraAt<V extends Variant>(variants: V[], r: number, rule: "2r" | "fixed", alphaFixed: number, seed = 0): V | undefined {
  const alpha = rule === "2r" ? 2 * r : alphaFixed;
  return variants.find((v) => v.method === "lora" && !v.frozenA && v.r === r && v.alpha === alpha && v.seed === seed);
}

export interface Tuned {
  /** The backbone after fine-tuning: its own copy for full FT, the pretrained layers for LoRA. */
  layers: Dense[];
  adapters?: Adapter[];
  head: Dense;
  /** Frees this variant's variables (never the pretrained network's). */
  dispose(): void;
}

export async function fineTune(
  v: Variant,
  pretrained: Dense[],
  data: Batches,
  p: LoraSpectraParams,
  rng: Rng,
  checkpoint: (done: number) => Promise<void>,
): Promise<Tuned> {
  const h = pretrained[pretrained.length - 1].b.shape[0];
  const head = dense(h, data.Y.shape[1], 1, rng.fork("new head"));
  const headGroup: Group = { vars: [head.K, head.b], lr: p.headLr };
  let layers = pretrained;
  let adapters: Adapter[] | undefined;
  let groups: Group[];
  if (v.method === "full") {
    layers = pretrained.map((l) => ({ K: tf.variable(l.K), b: tf.variable(l.b) }));
    groups = [{ vars: layers.flatMap((l) => [l.K, l.b]), lr: v.lr }, headGroup];
  } else {
    const adapterRng = rng.fork(`A r=${v.r}`);
    adapters = pretrained.map((l) => adapter(l.K.shape[0], l.K.shape[1], v.r, v.alpha, v.frozenA, adapterRng));
    groups = [{ vars: adapters.flatMap((a) => (v.frozenA ? [a.Bt] : [a.At, a.Bt])), lr: v.lr }, headGroup];
  }
  const own = [head.K, head.b, ...(v.method === "full" ? layers.flatMap((l) => [l.K, l.b]) : []), ...(adapters ?? []).flatMap((a) => [a.At, a.Bt])];
  const dispose = () => tf.dispose(own);
  try {
    await train((xb, yb) => crossEntropy(logits(xb, layers, head, adapters), yb), groups, data, {
      steps: p.ftSteps, batch: p.batch, rng: rng.fork("fine-tuning batches"), checkpoint,
    });
  } catch (e) {
    dispose();
    throw e;
  }
  return { layers, adapters, head, dispose };
}
