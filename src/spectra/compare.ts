/**
 * Spectral comparison of a pretrained and a fine-tuned weight matrix, after Shuttleworth,
 * Andreas, Torralba & Sharma, "LoRA vs Full Fine-tuning: An Illusion of Equivalence"
 * (arXiv:2410.21228), Algorithm 1: a fine-tuned singular vector is an *intruder dimension*
 * when its largest |cosine| with every pretrained singular vector is below ε.
 *
 * All in Float64 (src/linalg): cosines between singular vectors are what the paper's claims
 * rest on, and float32 would blur vectors whose singular values lie close together.
 *
 * Work: W0 needs a full SVD (every pretrained vector takes part in the max), though of one side
 * only, but W only its singular values (all of them: effective and stable rank, the spectrum)
 * and its top k vectors, which linalg's _topSvd gets without the divide-and-conquer SVD's n
 * vectors, to full-SVD accuracy.
 */
import { UsageError } from "../compute/usageError.js";
import { effectiveRank, stableRank, type SVD } from "../linalg/index.js";
import { matrix, toMatrix, type Matrix, type MatrixLike } from "../linalg/matrix.js";
import { _requireFinite } from "../linalg/checks.js";
import { _svd } from "../linalg/svd.js";
import { _topSvd } from "../linalg/topSvd.js";

/** Options of `compare`, `compareLayers` and `scaleIntruders`. */
export interface CompareOptions {
  /** How many fine-tuned singular vectors to examine, from the top. Default 10 (the paper's k). */
  k?: number;
  /** Similarity threshold ε: below it a fine-tuned vector is an intruder. Default 0.5 (the paper's). */
  epsilon?: number;
  /**
   * Which singular vectors to compare. Default 'left' (U), as the paper does for PyTorch weights,
   * which are [out, in]: the output space. A tfjs dense kernel is [in, out]: pass 'right' for it,
   * or its transpose.
   */
  side?: "left" | "right";
}

export interface SpectralComparison {
  k: number;
  epsilon: number;
  side: "left" | "right";
  /** Singular values of W0 and of W, descending, all of them. */
  S0: Float64Array;
  S: Float64Array;
  /** k × k: entry (j, i) is |cos| between fine-tuned vector j and pretrained vector i (top k of each). */
  similarity: Matrix;
  /** For each of the top k fine-tuned vectors, its largest |cos| with *any* pretrained vector. */
  maxSimilarity: Float64Array;
  /** The index of the pretrained vector attaining `maxSimilarity`. */
  bestMatch: Int32Array;
  /** Indices j < k of the intruders (maxSimilarity[j] < ε), ascending. */
  intruders: number[];
  intruderCount: number;
  effectiveRank: { W0: number; W: number };
  stableRank: { W0: number; W: number };
}

/** Options after `maybeOptions`: every field set and checked. */
export interface CompareSettings {
  k: number;
  epsilon: number;
  side: "left" | "right";
}

export function maybeOptions(o: CompareOptions, where: string, rank: number): CompareSettings {
  const k = o.k ?? 10;
  const epsilon = o.epsilon ?? 0.5;
  const side = o.side ?? "left";
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`${where}: k=${k} is not allowed; allowed: an integer >= 1`);
  if (!(epsilon >= 0 && epsilon <= 1)) throw new UsageError(`${where}: epsilon=${epsilon} is not allowed; allowed: a number from 0 to 1`);
  if (side !== "left" && side !== "right") throw new UsageError(`${where}: side=${String(side)} is not allowed; allowed: left, right`);
  return { k: Math.min(k, rank), epsilon, side };
}

function samePair(W0: MatrixLike, W: MatrixLike, where: string): [Matrix, Matrix] {
  const A = toMatrix(W0, "W0");
  const B = toMatrix(W, "W");
  if (A.rows !== B.rows || A.cols !== B.cols) {
    throw new UsageError(`${where}: W0 is ${A.rows}×${A.cols} but W is ${B.rows}×${B.cols}; W must be W0 after fine-tuning, the same shape`);
  }
  if (A.rows === 0 || A.cols === 0) throw new UsageError(`${where}: W0 is ${A.rows}×${A.cols}; it needs at least one entry`);
  return [A, B];
}

/**
 * Compares the singular vectors of W0 (pretrained) and W (fine-tuned), both m × n, given as
 * Matrix, arrays of rows or 2-D tensors:
 * `lab.spectra.compare(W0, W, { k: 10, epsilon: 0.5 })`.
 */
export function compare(W0: MatrixLike, W: MatrixLike, options: CompareOptions = {}): SpectralComparison {
  const [A, B] = samePair(W0, W, "spectra.compare");
  const o = maybeOptions(options, "spectra.compare", Math.min(A.rows, A.cols));
  return _compare(baseSvd(A, o.side), topSvd(B, o.k), o);
}

/** W0's full SVD, with only the side's vectors (the other side's are never read). */
function baseSvd(A: Matrix, side: "left" | "right"): SVD {
  _requireFinite(A, "svd", "A"); // the errors svd(A) and svd(B) gave before
  return _svd(A, side);
}

/** W's singular values, all of them, and its top k singular vectors (U m × k, V n × k). */
function topSvd(B: Matrix, k: number): SVD {
  _requireFinite(B, "svd", "A");
  return _topSvd(B, k);
}

/**
 * The core of `compare`, on SVDs already computed (an experiment reuses W0's across variants).
 * `tuned` needs all singular values but only its first k vectors: a full SVD or _topSvd's.
 */
export function _compare(base: SVD, tuned: SVD, o: CompareSettings): SpectralComparison {
  const U0 = o.side === "left" ? base.U : base.V; // [dim, n0]
  const U = o.side === "left" ? tuned.U : tuned.V; // [dim, n]
  const { rows: dim, cols: n0 } = U0;
  const k = Math.min(o.k, U.cols);
  const dots = new Float64Array(k * n0); // [k, n0]: u_jᵀ u0_i
  for (let a = 0; a < dim; a++) {
    const row0 = U0.data.subarray(a * n0, (a + 1) * n0);
    for (let j = 0; j < k; j++) {
      const u = U.data[a * U.cols + j];
      if (u === 0) continue;
      const out = j * n0;
      for (let i = 0; i < n0; i++) dots[out + i] += u * row0[i];
    }
  }
  const kk = Math.min(k, n0);
  const similarity = matrix(k, kk);
  const maxSimilarity = new Float64Array(k);
  const bestMatch = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n0; i++) {
      const c = Math.abs(dots[j * n0 + i]);
      if (i < kk) similarity.data[j * kk + i] = c;
      if (c > maxSimilarity[j]) {
        maxSimilarity[j] = c;
        bestMatch[j] = i;
      }
    }
  }
  const intruders: number[] = [];
  for (let j = 0; j < k; j++) if (maxSimilarity[j] < o.epsilon) intruders.push(j);
  return {
    k, epsilon: o.epsilon, side: o.side, S0: base.S, S: tuned.S, similarity, maxSimilarity, bestMatch,
    intruders, intruderCount: intruders.length,
    effectiveRank: { W0: effectiveRank(base.S), W: effectiveRank(tuned.S) },
    stableRank: { W0: stableRank(base.S), W: stableRank(tuned.S) },
  };
}

/** The intruder count of a comparison at another threshold ε, without a new SVD (the paper sweeps ε). */
export function intruderCount(c: SpectralComparison, epsilon: number): number {
  let n = 0;
  for (const s of c.maxSimilarity) if (s < epsilon) n++;
  return n;
}

export interface LayerComparison {
  layers: Record<string, SpectralComparison>;
  /** Intruders summed over layers, as the paper counts them per model. */
  intruderCount: number;
}

/**
 * `compare` on every layer of a model: two records (or arrays) of matrices with the same keys,
 * e.g. `compareLayers({ q: Wq0, v: Wv0 }, { q: Wq, v: Wv })`.
 */
export function compareLayers(
  base: Record<string, MatrixLike> | MatrixLike[],
  tuned: Record<string, MatrixLike> | MatrixLike[],
  options: CompareOptions = {},
): LayerComparison {
  const a = Object.keys(base);
  const b = new Set(Object.keys(tuned));
  const missing = a.filter((name) => !b.has(name)).concat([...b].filter((name) => !a.includes(name)));
  if (missing.length) throw new UsageError(`spectra.compareLayers: layers ${missing.join(", ")} are in only one model; both need the same layer names`);
  const layers: Record<string, SpectralComparison> = {};
  let total = 0;
  for (const name of a) {
    const c = compare((base as Record<string, MatrixLike>)[name], (tuned as Record<string, MatrixLike>)[name], options);
    layers[name] = c;
    total += c.intruderCount;
  }
  return { layers, intruderCount: total };
}

/**
 * The paper's intervention (§5, Fig. 8): multiply the singular value of each intruder dimension
 * of W by λ, W' = W + (λ − 1) Σ_intruders σ_j u_j v_jᵀ, leaving every other direction alone.
 * λ < 1 shrinks the intruders; λ = 1 returns W.
 */
export function scaleIntruders(W0: MatrixLike, W: MatrixLike, options: CompareOptions & { lambda: number }): Matrix {
  const [A, B] = samePair(W0, W, "spectra.scaleIntruders");
  const lambda = options.lambda;
  if (!Number.isFinite(lambda)) throw new UsageError(`spectra.scaleIntruders: lambda=${lambda} is not allowed; allowed: a finite number`);
  const o = maybeOptions(options, "spectra.scaleIntruders", Math.min(A.rows, A.cols));
  const tuned = topSvd(B, o.k); // the intruders are among the top k
  const c = _compare(baseSvd(A, o.side), tuned, o);
  return _scaleDirections(B, tuned, c.intruders, lambda);
}

/** W + (λ − 1) Σ_{j ∈ indices} σ_j u_j v_jᵀ, from W's SVD. */
export function _scaleDirections(W: Matrix, s: SVD, indices: readonly number[], lambda: number): Matrix {
  const out = matrix(W.rows, W.cols, W.data);
  const { U, V, S } = s;
  for (const j of indices) {
    const c = (lambda - 1) * S[j];
    for (let a = 0; a < W.rows; a++) {
      const u = c * U.data[a * U.cols + j];
      if (u === 0) continue;
      const row = a * W.cols;
      for (let b = 0; b < W.cols; b++) out.data[row + b] += u * V.data[b * V.cols + j];
    }
  }
  return out;
}
