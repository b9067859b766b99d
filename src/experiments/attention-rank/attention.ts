/**
 * Softmax, linear and rank-augmented linear attention (RALA) on one head, in Float64, plus the
 * rank measures used to compare them. This is `lab.attention`.
 *
 * Float64 rather than tfjs: the claims compare numerical ranks, and "rank ≤ d" is only visible
 * when the singular values past d sit at machine precision (1e-16 relative), not at float32's
 * 1e-7. Heads here are small (N ≤ a few thousand tokens, d ≤ 128), where typed-array loops are
 * fast enough; the trainable tfjs versions of the same layers are in model.ts.
 *
 * Symbols follow Fan et al. 2025, "Breaking the Low-Rank Dilemma of Linear Attention"
 * (arXiv:2411.07635) and their code (github.com/qhfan/RALA, classfication/RALA.py):
 * X [N, D] tokens, Q = X Wq, K = X Wk [N, d], V = X Wv [N, dv], φ = ELU + 1.
 *
 * RoPE follows that code: a 2-D rotary position embedding on the token grid, applied to φ(q)
 * and to the (re-weighted) φ(k) after the feature map, so the KV buffer is built from rotated
 * keys while the normaliser z uses the un-rotated ones.
 */
import type { Rng } from "../../compute/rng.js";
import { UsageError } from "../../compute/usageError.js";
import { effectiveRank, matmul, matmulAtB, matrix, numericalRank, svd, toMatrix, transpose, type Matrix, type MatrixLike } from "../../linalg/index.js";
import { withConvKernel, type ConvKernel } from "./convKernel.js";

export type AttentionKind = "softmax" | "linear" | "rala";
export const attentionKinds: readonly AttentionKind[] = ["softmax", "linear", "rala"];

/** Tokens laid out row-major on an h × w grid (N ≤ h·w; missing cells count as zero padding). */
export interface Grid {
  h: number;
  w: number;
}

/** The smallest near-square grid holding N tokens: w = ⌈√N⌉, h = ⌈N / w⌉. */
export function gridFor(N: number): Grid {
  const w = Math.ceil(Math.sqrt(N));
  return { h: Math.ceil(N / w), w };
}

/**
 * 2-D rotary position embedding (RoPE) of the rows of X [N, d] laid out row-major on `grid`, as
 * in RALA's code (qhfan/RALA): d/4 frequencies θᵢ = 10000^(−i/(d/4 − 1)) (θ₀ = 1 when d = 4);
 * channel pairs (2i, 2i + 1) of the first half turn by the token's row y·θᵢ, the same pairs of
 * the second half by its column x·θᵢ: (a, b) → (a cos − b sin, b cos + a sin). d must be a
 * multiple of 4. A rotation per token, so it keeps each row's norm.
 */
export function rope2d(X: MatrixLike, grid: Grid): Matrix {
  const x = toMatrix(X, "X");
  return applyRope(x, ropeTable(x.rows, x.cols, grid));
}

/** The cos and sin of every angle RoPE turns by: [N, d/2] each, pair p of token t at t·d/2 + p. */
interface RopeTable {
  cos: Float64Array;
  sin: Float64Array;
}

/** rope2d's angles for N tokens of width d on `grid`, computed once for all matrices rotated alike. */
function ropeTable(N: number, d: number, grid: Grid): RopeTable {
  if (d % 4 !== 0) throw new UsageError(`attention: RoPE needs a head dim d that is a multiple of 4 (two grid axes, channel pairs); got d = ${d}`);
  if (grid.h * grid.w < N) throw new UsageError(`attention: grid ${grid.h} × ${grid.w} holds fewer than N = ${N} tokens`);
  const quarter = d / 4, pairs = d / 2;
  const theta = Float64Array.from({ length: quarter }, (_, i) => (quarter === 1 ? 1 : 10000 ** -(i / (quarter - 1))));
  // The angles depend on a token's row or column alone: take each cosine and sine once per grid
  // row and column (h + w of them, not N), then lay them out per token.
  const along = (count: number) => {
    const c = new Float64Array(count * quarter), s = new Float64Array(count * quarter);
    for (let pos = 0; pos < count; pos++) {
      for (let i = 0; i < quarter; i++) {
        const angle = pos * theta[i];
        c[pos * quarter + i] = Math.cos(angle);
        s[pos * quarter + i] = Math.sin(angle);
      }
    }
    return { c, s };
  };
  const rows = along(grid.h), columns = along(grid.w);
  const cos = new Float64Array(N * pairs), sin = new Float64Array(N * pairs);
  for (let t = 0; t < N; t++) {
    const y = Math.floor(t / grid.w), x = t % grid.w; // row y for the first half, column x for the second
    for (let i = 0; i < quarter; i++) {
      cos[t * pairs + i] = rows.c[y * quarter + i];
      sin[t * pairs + i] = rows.s[y * quarter + i];
      cos[t * pairs + quarter + i] = columns.c[x * quarter + i];
      sin[t * pairs + quarter + i] = columns.s[x * quarter + i];
    }
  }
  return { cos, sin };
}

function applyRope(x: Matrix, table: RopeTable): Matrix {
  const { rows: N, cols: d } = x;
  const pairs = d / 2, out = matrix(N, d);
  for (let t = 0; t < N; t++) {
    for (let p = 0; p < pairs; p++) {
      const a = t * d + 2 * p, c = table.cos[t * pairs + p], s = table.sin[t * pairs + p];
      out.data[a] = x.data[a] * c - x.data[a + 1] * s;
      out.data[a + 1] = x.data[a + 1] * c + x.data[a] * s;
    }
  }
  return out;
}

export interface AttentionResult {
  kind: AttentionKind;
  /** The head's output features. */
  out: Matrix; // [N, dv]
  /** The KV buffer Σⱼ wⱼ φ(kⱼ)ᵀ vⱼ (linear: wⱼ = 1; RALA: wⱼ = αⱼ N). Absent for softmax. */
  kv?: Matrix; // [d, dv]
  /** RALA's token weights α = softmax(q̄ φ(K)ᵀ / √d), summing to 1. */
  alpha?: Float64Array; // [N]
  /** RALA before output augmentation: φ(q)·KV·z (KV augmentation only). */
  kvAugmented?: Matrix; // [N, dv]
}

/** φ(x) = ELU(x) + 1 = x + 1 for x > 0, eˣ otherwise: positive, as linear attention needs. */
export function phi(x: number): number {
  return x > 0 ? x + 1 : Math.exp(x);
}

/** φ applied to every entry of A (a direct call, which V8 inlines, where a mapped closure was not). */
function phiOf(A: Matrix): Matrix {
  const out = matrix(A.rows, A.cols), a = A.data, o = out.data;
  for (let i = 0; i < a.length; i++) o[i] = phi(a[i]);
  return out;
}

function checkQKV(Q: Matrix, K: Matrix, V: Matrix): void {
  if (Q.rows !== K.rows || K.rows !== V.rows) {
    throw new UsageError(`attention: Q, K, V need the same number of tokens N; got Q [${Q.rows}, ${Q.cols}], K [${K.rows}, ${K.cols}], V [${V.rows}, ${V.cols}]`);
  }
  if (Q.cols !== K.cols) throw new UsageError(`attention: Q is [${Q.rows}, ${Q.cols}] but K is [${K.rows}, ${K.cols}]; head dim d must match`);
}

/** Rows [start, start + rows) of A as a Matrix sharing A's storage. */
function rowBlock(A: Matrix, start: number, rows: number): Matrix {
  return { rows, cols: A.cols, data: A.data.subarray(start * A.cols, (start + rows) * A.cols) };
}

/**
 * softmax(Q Kᵀ · scale) V, in blocks of query rows so the N × N map is never held whole; the
 * products go through linalg's matmul (WebAssembly SIMD). `scale` defaults to 1/√d.
 */
export function softmaxAttention(Q: MatrixLike, K: MatrixLike, V: MatrixLike, scale?: number): AttentionResult {
  const q = toMatrix(Q, "Q"), k = toMatrix(K, "K"), v = toMatrix(V, "V");
  checkQKV(q, k, v);
  const N = q.rows, d = q.cols, dv = v.cols, s = scale ?? 1 / Math.sqrt(d);
  const out = matrix(N, dv);
  const Kt = transpose(k); // [d, N]
  const block = Math.max(1, Math.min(N, Math.floor(2 ** 19 / N))); // ≤ 4 MB of scores at a time
  for (let start = 0; start < N; start += block) {
    const rows = Math.min(block, N - start);
    const S = matmul(rowBlock(q, start, rows), Kt); // [rows, N]
    for (let i = 0; i < rows; i++) {
      const row = S.data.subarray(i * N, (i + 1) * N);
      let max = -Infinity;
      for (let j = 0; j < N; j++) if (row[j] * s > max) max = row[j] * s;
      let sum = 0;
      for (let j = 0; j < N; j++) sum += (row[j] = Math.exp(row[j] * s - max));
      for (let j = 0; j < N; j++) row[j] /= sum;
    }
    out.data.set(matmul(S, v).data, start * dv);
  }
  return { kind: "softmax", out };
}

/**
 * Σⱼ wⱼ φ(kⱼ)ᵀ vⱼ and Σⱼ wⱼ φ(kⱼ), then outᵢ = φ(qᵢ)·KV / (φ(qᵢ)·Σⱼ wⱼ φ(kⱼ)): a weighted
 * average of the values, computed in O(N d dv) without the N × N map. With `rope`, the
 * numerator uses the rotated φ(qᵢ) and the KV buffer the rotated wⱼ φ(kⱼ); the normaliser stays
 * un-rotated (RALA's code).
 */
function kernelized(Fq: Matrix, Fk: Matrix, v: Matrix, w?: Float64Array, rope?: Grid): { out: Matrix; kv: Matrix } {
  const N = Fq.rows, d = Fq.cols, dv = v.cols;
  let Wk = Fk;
  if (w) {
    Wk = matrix(N, d);
    for (let j = 0; j < N; j++) for (let a = 0; a < d; a++) Wk.data[j * d + a] = Fk.data[j * d + a] * w[j];
  }
  const table = rope ? ropeTable(N, d, rope) : undefined; // the same angles for keys and queries
  const kv = matmulAtB(table ? applyRope(Wk, table) : Wk, v); // [d, dv]
  const ksum = new Float64Array(d);
  for (let j = 0; j < N; j++) for (let a = 0; a < d; a++) ksum[a] += Wk.data[j * d + a];
  const out = matmul(table ? applyRope(Fq, table) : Fq, kv); // [N, dv]
  for (let i = 0; i < N; i++) {
    let z = 0;
    for (let a = 0; a < d; a++) z += Fq.data[i * d + a] * ksum[a];
    for (let c = 0; c < dv; c++) out.data[i * dv + c] /= z;
  }
  return { out, kv };
}

/**
 * Linear attention with φ = ELU + 1 (Katharopoulos et al. 2020, arXiv:2006.16236). Every output
 * row is φ(qᵢ) times the d × dv KV buffer, so rank(out) ≤ rank(KV) ≤ d whatever N is (also
 * with `rope`, the grid of a 2-D RoPE on φ(q) and φ(k): each row is still a d-vector times KV).
 */
export function linearAttention(Q: MatrixLike, K: MatrixLike, V: MatrixLike, rope?: Grid): AttentionResult {
  const q = toMatrix(Q, "Q"), k = toMatrix(K, "K"), v = toMatrix(V, "V");
  checkQKV(q, k, v);
  const { out, kv } = kernelized(phiOf(q), phiOf(k), v, undefined, rope);
  return { kind: "linear", out, kv };
}

/**
 * Depthwise 'same' convolution of V laid out on `grid` (RALA's LePE): channel c of token
 * (y, x) becomes Σ kernel[ty, tx, c] · V[(y + ty − r), (x + tx − r), c], zero outside the grid.
 * `kernel` is [size², dv], row ty·size + tx. The inner loop runs in WebAssembly SIMD where it can
 * (convKernel.ts; `useWasm = false` keeps it in JavaScript), with bit-identical results.
 */
export function depthwiseConv(V: Matrix, grid: Grid, kernel: Matrix, useWasm = true): Matrix {
  const size = Math.round(Math.sqrt(kernel.rows));
  if (size * size !== kernel.rows || size % 2 !== 1) throw new UsageError(`attention: LePE kernel has ${kernel.rows} taps; need an odd square such as 25 (5 × 5)`);
  if (kernel.cols !== V.cols) throw new UsageError(`attention: LePE kernel is [${kernel.rows}, ${kernel.cols}] but V has dv = ${V.cols} channels`);
  if (grid.h * grid.w < V.rows) throw new UsageError(`attention: grid ${grid.h} × ${grid.w} holds fewer than N = ${V.rows} tokens`);
  const N = V.rows, dv = V.cols, r = (size - 1) / 2, w = grid.w;
  // Tap by tap over each grid row: for one row y and tap (ty, tx) the tokens in range form one
  // contiguous run of the output and one of V, so the inner loop streams both without checks.
  const runs = (taps: ConvKernel["taps"]) => {
    for (let y = 0; y < grid.h; y++) {
      const rowStart = y * w, rowEnd = Math.min(N, rowStart + w);
      if (rowStart >= N) break;
      for (let ty = 0; ty < size; ty++) {
        const yy = y + ty - r;
        if (yy < 0 || yy >= grid.h) continue;
        for (let tx = 0; tx < size; tx++) {
          // tokens x of this row whose source (yy, x + tx − r) lies on the grid and below N
          const shift = tx - r;
          const x0 = Math.max(0, -shift);
          const x1 = Math.min(rowEnd - rowStart, w - shift, N - yy * w - shift);
          if (x1 > x0) taps((rowStart + x0) * dv, (yy * w + x0 + shift) * dv, (ty * size + tx) * dv, x1 - x0);
        }
      }
    }
  };
  const simd = useWasm ? withConvKernel(V.data, kernel.data, dv, (k) => runs(k.taps)) : null;
  if (simd) return { rows: N, cols: dv, data: simd };
  const out = matrix(N, dv);
  const o = out.data, v = V.data, k = kernel.data;
  runs((dst, src, tap, count) => {
    for (let x = 0; x < count; x++, dst += dv, src += dv) {
      let c = 0;
      for (; c + 3 < dv; c += 4) { // four channels per trip: ~1.7× the plain loop here
        o[dst + c] += k[tap + c] * v[src + c];
        o[dst + c + 1] += k[tap + c + 1] * v[src + c + 1];
        o[dst + c + 2] += k[tap + c + 2] * v[src + c + 2];
        o[dst + c + 3] += k[tap + c + 3] * v[src + c + 3];
      }
      for (; c < dv; c++) o[dst + c] += k[tap + c] * v[src + c];
    }
  });
  return out;
}

/**
 * RALA (Fan et al. 2025, §4; the GateLinearAttentionNoSilu layer of their code):
 * KV-buffer augmentation: q̄ = mean φ(q), α = softmax(q̄ φ(K)ᵀ/√d), keys re-weighted by αⱼ N;
 * output augmentation: out = (φ(q)·KV·z + LePE(V)) ⊙ O, with O = X Wo a linear gate.
 * With `rope` (on by default, as in their code) φ(q) and the re-weighted φ(k) of the numerator
 * and of the KV buffer are rotated by a 2-D RoPE on `grid`; α and z use the un-rotated ones.
 */
export function ralaAttention(Q: MatrixLike, K: MatrixLike, V: MatrixLike, O: MatrixLike, lepe: MatrixLike, grid?: Grid, rope = true): AttentionResult {
  const q = toMatrix(Q, "Q"), k = toMatrix(K, "K"), v = toMatrix(V, "V"), o = toMatrix(O, "O"), kernel = toMatrix(lepe, "lepe");
  checkQKV(q, k, v);
  if (o.rows !== v.rows || o.cols !== v.cols) throw new UsageError(`attention: gate O is [${o.rows}, ${o.cols}] but V is [${v.rows}, ${v.cols}]; they must match`);
  const N = q.rows, d = q.cols, dv = v.cols;
  const Fq = phiOf(q), Fk = phiOf(k);
  const qbar = new Float64Array(d);
  for (let i = 0; i < N; i++) for (let a = 0; a < d; a++) qbar[a] += Fq.data[i * d + a] / N;
  const alpha = new Float64Array(N);
  let max = -Infinity;
  for (let j = 0; j < N; j++) {
    let dot = 0;
    for (let a = 0; a < d; a++) dot += qbar[a] * Fk.data[j * d + a];
    alpha[j] = dot / Math.sqrt(d);
    if (alpha[j] > max) max = alpha[j];
  }
  let sum = 0;
  for (let j = 0; j < N; j++) sum += (alpha[j] = Math.exp(alpha[j] - max));
  const w = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    alpha[j] /= sum;
    w[j] = alpha[j] * N;
  }
  const g = grid ?? gridFor(N);
  const { out: kvAugmented, kv } = kernelized(Fq, Fk, v, w, rope ? g : undefined);
  const local = depthwiseConv(v, g, kernel);
  const out = matrix(N, dv);
  for (let i = 0; i < out.data.length; i++) out.data[i] = (kvAugmented.data[i] + local.data[i]) * o.data[i];
  return { kind: "rala", out, kv, alpha, kvAugmented };
}

/** One head's projections: Q = X Wq, K = X Wk, V = X Wv, and RALA's gate O = X Wo and LePE kernel. */
export interface HeadWeights {
  Wq: Matrix; // [D, d]
  Wk: Matrix; // [D, d]
  Wv: Matrix; // [D, dv]
  Wo: Matrix; // [D, dv]
  lepe: Matrix; // [size², dv]
}

/**
 * Random head weights: W ~ N(0, 1/D) so projections of unit-variance tokens have unit
 * variance; LePE taps ~ N(0, 1/size²), as a fan-in-scaled depthwise conv.
 */
export function randomHeadWeights(D: number, d: number, dv: number, rng: Rng, lepeSize = 5): HeadWeights {
  const gauss = (rows: number, cols: number, std: number) => matrix(rows, cols, rng.normals(rows * cols, std));
  return {
    Wq: gauss(D, d, 1 / Math.sqrt(D)),
    Wk: gauss(D, d, 1 / Math.sqrt(D)),
    Wv: gauss(D, dv, 1 / Math.sqrt(D)),
    Wo: gauss(D, dv, 1 / Math.sqrt(D)),
    lepe: gauss(lepeSize * lepeSize, dv, 1 / lepeSize),
  };
}

/**
 * Which kinds apply a 2-D RoPE to their queries and keys: "rala" (the default: RALA as in its
 * code, the baselines plain), "all" (also softmax, on q and k, and linear, on φ(q) and φ(k), as
 * RALA's code does for its softmax layers), or "none".
 */
export type RopeChoice = "rala" | "all" | "none";
export const ropeChoices: readonly RopeChoice[] = ["rala", "all", "none"];

/** Whether `kind` applies RoPE under `choice`. */
export const usesRope = (kind: AttentionKind, choice: RopeChoice): boolean => choice === "all" || (choice === "rala" && kind === "rala");

/**
 * Projects tokens X [N, D] with `weights` and runs the head of the given kind on `grid` (default
 * gridFor(N)), with RoPE where `rope` says (default "rala").
 */
export function attend(kind: AttentionKind, X: MatrixLike, weights: HeadWeights, grid?: Grid, rope: RopeChoice = "rala"): AttentionResult {
  const x = toMatrix(X, "X");
  if (x.cols !== weights.Wq.rows) throw new UsageError(`attention: X is [${x.rows}, ${x.cols}] but Wq is [${weights.Wq.rows}, ${weights.Wq.cols}]; token width D must match`);
  const Q = matmul(x, weights.Wq), K = matmul(x, weights.Wk), V = matmul(x, weights.Wv);
  const g = grid ?? gridFor(x.rows), rotate = usesRope(kind, rope);
  switch (kind) {
    case "softmax":
      return rotate ? softmaxAttention(rope2d(Q, g), rope2d(K, g), V) : softmaxAttention(Q, K, V);
    case "linear":
      return linearAttention(Q, K, V, rotate ? g : undefined);
    case "rala":
      return ralaAttention(Q, K, V, matmul(x, weights.Wo), weights.lepe, g, rotate);
    default:
      throw new UsageError(`attention: unknown kind '${String(kind)}'; allowed: ${attentionKinds.join(", ")}`);
  }
}

/** What the rank analysis reports for one matrix. */
export interface RankProfile {
  /** Singular values, descending. */
  spectrum: Float64Array;
  /** Count of singular values above `tol`. */
  numericalRank: number;
  /** The threshold used: rtol · σ₁, or NumPy's max(m, n) · ε · σ₁ when rtol is not given. */
  tol: number;
  /** exp of the entropy of σ / Σσ (Roy & Vetterli 2007); tolerance-free. */
  effectiveRank: number;
}

/**
 * Rank measures of `A` [m, n] from its Float64 SVD. The default tolerance is NumPy's
 * matrix_rank default, which the RALA authors name as their rank measure (github.com/qhfan/RALA
 * issue #10); pass `rtol` to count singular values above rtol · σ₁ instead.
 */
export function rankProfile(A: MatrixLike, rtol?: number): RankProfile {
  const M = toMatrix(A, "A");
  if (rtol !== undefined && !(rtol >= 0 && rtol < 1)) throw new UsageError(`rankProfile: rtol must be in [0, 1), got ${rtol}`);
  const S = svd(M).S;
  const top = S.length > 0 ? S[0] : 0;
  const tol = (rtol ?? Math.max(M.rows, M.cols) * 2 ** -52) * top;
  return { spectrum: S, numericalRank: numericalRank(S, tol), tol, effectiveRank: effectiveRank(S) };
}
