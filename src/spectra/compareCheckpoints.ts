/**
 * Where are the intruder dimensions of a real fine-tune? `compareCheckpoints(base, tuned)`
 * matches the weight matrices of a base checkpoint with those of a fully fine-tuned one, or
 * with a PEFT LoRA adapter merged into it (W = W0 + s·B·A), and compares each pair as
 * Shuttleworth et al. (arXiv:2410.21228, Algorithm 1) do: a top-k singular vector of W is an
 * intruder when its largest |cosine| with every singular vector of W0 is below ε.
 *
 * Layers are read and compared one at a time, so memory holds one layer's pair (and its SVDs),
 * never the whole model.
 */
import { UsageError } from "../compute/usageError.js";
import type { Matrix } from "../linalg/matrix.js";
import { compare } from "./compare.js";
import { isFolder, openCheckpoint, type Checkpoint } from "./checkpoint.js";
import { isAdapterFolder, openAdapter, type Adapter } from "./peft.js";

export interface CheckpointCompareOptions {
  /** Only layers whose name matches (a RegExp, or its source as a string). Default: every one. */
  layers?: RegExp | string;
  /** Top fine-tuned singular vectors examined. Default 10 (the paper's k). */
  k?: number;
  /** Similarity threshold ε. Default 0.5 (the paper's). */
  epsilon?: number;
  /** Called after each layer, for progress. */
  onLayer?: (done: number, total: number, layer: string) => void;
}

export interface LayerIntruders {
  /** The base weight's name. */
  layer: string;
  rows: number;
  cols: number;
  intruders: number;
  /** 1-based positions in W's spectrum of its intruder singular vectors. */
  intruderRanks: number[];
  /** For each of the top k singular vectors of W, its largest |cos| with any of W0's. */
  maxSimilarity: number[];
  /** σ₁ of W0 and W, and the relative size of the update ‖W − W0‖_F / ‖W0‖_F. */
  sigma1Base: number;
  sigma1Tuned: number;
  relativeUpdate: number;
}

export interface CheckpointComparison {
  base: string;
  tuned: string;
  kind: "adapter" | "full";
  k: number;
  epsilon: number;
  layers: LayerIntruders[];
  totalIntruders: number;
}

function layerFilter(layers: CheckpointCompareOptions["layers"]): (name: string) => boolean {
  if (layers === undefined) return () => true;
  let re: RegExp;
  try {
    re = typeof layers === "string" ? new RegExp(layers) : layers;
  } catch (e) {
    throw new UsageError(`--layers ${String(layers)} is not a regular expression (${(e as Error).message})`);
  }
  return (name) => re.test(name);
}

/** The base weight an adapter module updates: `<module>.weight`, or the one base name ending with it. */
function baseNameOf(base: Checkpoint, module: string): string {
  const exact = `${module}.weight`;
  if (base.tensors.has(exact)) return exact;
  const candidates = base.matrices().filter((n) => n.endsWith(`.${exact}`) || exact.endsWith(`.${n}`));
  if (candidates.length === 1) return candidates[0];
  throw new UsageError(`the adapter updates '${module}' but ${base.path} has ${candidates.length === 0 ? "no weight" : `several weights (${candidates.slice(0, 3).join(", ")})`} named ${exact}`);
}

interface Pair {
  layer: string;
  base: () => Matrix;
  tuned: (W0: Matrix) => Matrix;
  shape: number[];
}

function adapterPairs(base: Checkpoint, adapter: Adapter, keep: (name: string) => boolean): Pair[] {
  return adapter.modules.flatMap((m) => {
    const layer = baseNameOf(base, m.module);
    if (!keep(layer)) return [];
    const shape = base.tensors.get(layer)!.shape;
    const outDim = adapter.file.tensors.get(m.b)!.shape[0];
    const inDim = adapter.file.tensors.get(m.a)!.shape[1];
    if (shape[0] !== outDim || shape[1] !== inDim) {
      throw new UsageError(`${layer} is ${shape.join("×")} in ${base.path} but the adapter's B·A for it is ${outDim}×${inDim}`);
    }
    return [{
      layer,
      shape,
      base: () => base.read(layer),
      tuned: (W0: Matrix) => {
        const D = adapter.delta(m);
        const W = new Float64Array(W0.data);
        for (let i = 0; i < W.length; i++) W[i] += D.data[i];
        return { rows: W0.rows, cols: W0.cols, data: W };
      },
    }];
  });
}

function fullPairs(base: Checkpoint, tuned: Checkpoint, keep: (name: string) => boolean): Pair[] {
  return base.matrices().filter(keep).map((layer) => {
    const b = base.tensors.get(layer)!;
    const t = tuned.tensors.get(layer);
    if (!t) throw new UsageError(`${tuned.path} has no tensor '${layer}' (it is in ${base.path}); use --layers to choose the layers to compare`);
    if (t.shape.join("×") !== b.shape.join("×")) throw new UsageError(`${layer} is ${b.shape.join("×")} in ${base.path} but ${t.shape.join("×")} in ${tuned.path}`);
    return { layer, shape: b.shape, base: () => base.read(layer), tuned: () => tuned.read(layer) };
  });
}

const frobenius = (a: Float64Array) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));

/** `base`: a .safetensors file or folder; `tuned`: the same for a full fine-tune, or a PEFT adapter folder. */
export function compareCheckpoints(basePath: string, tunedPath: string, options: CheckpointCompareOptions = {}): CheckpointComparison {
  const k = options.k ?? 10;
  const epsilon = options.epsilon ?? 0.5;
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`k=${k} is not allowed; allowed: an integer >= 1`);
  if (!(epsilon >= 0 && epsilon <= 1)) throw new UsageError(`epsilon=${epsilon} is not allowed; allowed: a number from 0 to 1`);
  const keep = layerFilter(options.layers);
  const base = openCheckpoint(basePath);
  const adapter = isFolder(tunedPath) && isAdapterFolder(tunedPath) ? openAdapter(tunedPath) : undefined;
  const pairs = adapter ? adapterPairs(base, adapter, keep) : fullPairs(base, openCheckpoint(tunedPath), keep);
  if (pairs.length === 0) throw new UsageError(`no weight matrix to compare${options.layers ? ` matches --layers ${String(options.layers)}` : ""}`);

  const layers: LayerIntruders[] = [];
  for (const [i, pair] of pairs.entries()) {
    const W0 = pair.base();
    const W = pair.tuned(W0);
    const c = compare(W0, W, { k, epsilon });
    const diff = new Float64Array(W.data.length);
    for (let j = 0; j < diff.length; j++) diff[j] = W.data[j] - W0.data[j];
    layers.push({
      layer: pair.layer,
      rows: W0.rows,
      cols: W0.cols,
      intruders: c.intruderCount,
      intruderRanks: c.intruders.map((j) => j + 1),
      maxSimilarity: Array.from(c.maxSimilarity),
      sigma1Base: c.S0[0],
      sigma1Tuned: c.S[0],
      relativeUpdate: frobenius(diff) / frobenius(W0.data),
    });
    options.onLayer?.(i + 1, pairs.length, pair.layer);
  }
  return { base: basePath, tuned: tunedPath, kind: adapter ? "adapter" : "full", k, epsilon, layers, totalIntruders: layers.reduce((s, l) => s + l.intruders, 0) };
}
