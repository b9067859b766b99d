/**
 * Random features (Rahimi & Recht 2007): N fixed random directions w_j, and a model linear in
 * φ_j(x). Belkin et al. (arXiv:1812.11118, Fig. 2) use random Fourier features; we add ReLU
 * features, the other family of their §3 and of Mei & Montanari (arXiv:1908.05355).
 *
 *   relu:     φ_j(x) = s · max(0, w_j·x),                 w_j ~ N(0, I_d)
 *   fourier:  φ_j(x) = s · √2 cos(w_j·x / σ + b_j),       w_j ~ N(0, I_d), b_j ~ U[0, 2π)
 *
 * x is the image centred and scaled to unit norm, x = (u − x̄)/‖u − x̄‖ for raw pixels u (see
 * data.ts), so w_j·x ~ N(0, 1); σ is the Gaussian kernel's bandwidth in units of ‖x‖; s is a fixed
 * output scale chosen by the caller.
 *
 * Computed in Float64 with linalg's matrix-product kernel (WebAssembly SIMD), not with tfjs: the
 * product is as fast, and the solver then sees features that were never rounded to float32.
 */
import type { Rng } from "../../compute/rng.js";
import { GEMM_HEAP_SCRATCH, _gemm, _gemmHeap } from "../../linalg/gemm.js";
import { _heapAlloc, _heapRelease, _heapView, _kernels } from "../../linalg/wasm/kernels.js";

export type FeatureKind = "relu" | "fourier";

const POINTS = 128; // points per product in featureBlock

export interface RandomFeatures {
  kind: FeatureKind;
  /** Number of features N. */
  count: number;
  /** Input dimension d. */
  d: number;
  /**
   * Feature-major directions, row j − first is w_j (pre-divided by σ for Fourier features): all
   * N of them, or when streamed the ones drawn last (call `draw` first). Feature-major because
   * that is the order they are drawn in: the writes stay sequential.
   */
  W: Float32Array;
  /** The feature in row 0 of W. */
  first: number;
  /**
   * Streamed directions only: makes w_j0 … w_{j1−1} rows of W, drawing those not drawn yet and
   * dropping those before j0 (j0 never decreases from call to call).
   */
  draw?(j0: number, j1: number): void;
  /** [N] phases b_j (Fourier only). */
  b: Float64Array;
  /** The output scale s. */
  scale: number;
}

/**
 * Points ready for featureBlock (from centredPoints), with the pixels that are zero in every one
 * of them dropped (MNIST's border: 111 of 784 pixels are 0 in all 10,000 digits, so
 * centred they are exactly 0). A dropped pixel only adds exact zeros x·w = ±0 to each w·x; the
 * WebAssembly product sums every entry in pixel order one term at a time, and there adding ±0
 * to a running sum leaves it as it was, so every feature keeps its exact value.
 */
export interface FeaturePoints {
  /** Number of points. */
  count: number;
  /** Input dimension d. */
  d: number;
  /** [count, d] row-major. */
  X: Float64Array;
  /** The pixels nonzero at some point, ascending. */
  live: Int32Array;
}

/**
 * Images centred by x̄ and scaled to unit norm, the images of each part in turn, as points for
 * featureBlock (with their live pixels).
 */
export function centredPoints(parts: Float32Array | Float32Array[], d: number, mean: Float64Array): FeaturePoints {
  const all = Array.isArray(parts) ? parts : [parts];
  const X = new Float64Array(all.reduce((s, part) => s + part.length, 0));
  let row = 0;
  for (const part of all) {
    for (let r = 0; r < part.length / d; r++, row++) {
      let s = 0;
      for (let p = 0; p < d; p++) {
        const v = part[r * d + p] - mean[p];
        X[row * d + p] = v;
        s += v * v;
      }
      const inv = 1 / Math.sqrt(s);
      for (let p = 0; p < d; p++) X[row * d + p] *= inv;
    }
  }
  const used = new Uint8Array(d);
  for (let k = 0; k < X.length; k++) if (X[k] !== 0) used[k % d] = 1;
  const live = Int32Array.from({ length: d }, (_, p) => p).filter((p) => used[p] === 1);
  return { count: row, d, X, live };
}

/**
 * Draws N directions (and phases): w_j ~ N(0, I_d) from `rng`, feature by feature. With
 * `streamed` (ReLU features read once, in order of j), each is drawn only when featureBlock first
 * asks for it and dropped once a later block starts past it: the same numbers, without holding
 * N·d of them (fresh memory is slow to touch). Fourier phases are drawn after every direction, so
 * those are never streamed.
 */
export function randomFeatures(kind: FeatureKind, count: number, d: number, bandwidth: number, scale: number, rng: Rng, streamed = false): RandomFeatures {
  const spread = kind === "fourier" ? 1 / bandwidth : 1;
  if (streamed && kind === "relu") {
    const f: RandomFeatures = { kind, count, d, W: new Float32Array(0), first: 0, b: new Float64Array(0), scale };
    let drawn = 0; // directions drawn so far
    f.draw = (j0, j1) => {
      if (j0 < f.first) throw new RangeError(`randomFeatures: streamed directions are read in order (${j0} < ${f.first})`);
      if (j1 <= drawn) return;
      const keep = Math.max(0, drawn - j0); // rows j0 … drawn−1, already drawn
      if (f.W.length < (j1 - j0) * d) {
        const W = new Float32Array((j1 - j0) * d);
        W.set(f.W.subarray((drawn - keep - f.first) * d, (drawn - f.first) * d));
        f.W = W;
      } else {
        f.W.copyWithin(0, (drawn - keep - f.first) * d, (drawn - f.first) * d);
      }
      f.first = j0;
      for (; drawn < j0; drawn++) for (let p = 0; p < d; p++) rng.normal(); // (never asked for: skipped past)
      drawDirections(f.W, (drawn - j0) * d, (j1 - j0) * d, spread, rng);
      drawn = j1;
    };
    return f;
  }
  const W = new Float32Array(count * d);
  drawDirections(W, 0, W.length, spread, rng);
  const b = new Float64Array(kind === "fourier" ? count : 0);
  for (let j = 0; j < b.length; j++) b[j] = 2 * Math.PI * rng.uniform();
  return { kind, count, d, W, first: 0, b, scale };
}

function drawDirections(W: Float32Array, k0: number, k1: number, spread: number, rng: Rng): void {
  for (let k = k0; k < k1; k++) W[k] = spread * rng.normal();
}

/**
 * φ_j(x_i) for the points i0 ≤ i < i1 of `pts` and the features j0 ≤ j < j1: sample-major,
 * out[(i − i0)·(j1 − j0) + (j − j0)], or with `featureMajor` out[(j − j0)·(i1 − i0) + (i − i0)].
 * Either way each w_j·x_i is the same sum, in the same order, so both layouts hold the same values.
 */
export function featureBlock(f: RandomFeatures, pts: FeaturePoints, j0: number, j1: number, i0 = 0, i1 = pts.count, featureMajor = false, out: Float64Array = new Float64Array((i1 - i0) * (j1 - j0))): Float64Array {
  const w = j1 - j0, rows = i1 - i0;
  if (w === 0 || rows === 0) return out;
  f.draw?.(j0, j1);
  const K = _kernels();
  if (K === null) {
    productJs(f, pts, j0, j1, i0, i1, featureMajor, out);
    if (featureMajor) activate(f, out, 0, w, rows, out, 0, rows, j0, true);
    else activate(f, out, 0, rows, w, out, 0, w, j0, false);
    return out;
  }
  // In WebAssembly memory: the directions on the live pixels, copied once, and the points, POINTS
  // at a time (a small heap: fresh memory is slow to touch), each block's product summed into
  // zeros, then activated on its way out. Featurewise: C = directions · pointsᵀ, [w, s];
  // samplewise: C = points · directionsᵀ, [s, w].
  const L = pts.live.length, P = Math.min(POINTS, rows);
  const base = _heapAlloc(w * L + L * P + w * P);
  _heapRelease(_heapAlloc(GEMM_HEAP_SCRATCH)); // reserve _gemmHeap's scratch: the views below stay attached
  const offD = base, offX = offD + w * L, offC = offX + L * P;
  let H = _heapView();
  if (featureMajor) gatherRows(H, offD, f.W, j0 - f.first, w, f.d, pts.live);
  else gatherColumns(H, offD, w, f.W, j0 - f.first, w, f.d, pts.live);
  for (let s0 = 0; s0 < rows; s0 += P) {
    const s = Math.min(P, rows - s0);
    H = _heapView();
    if (featureMajor) gatherColumns(H, offX, s, pts.X, i0 + s0, s, f.d, pts.live);
    else gatherRows(H, offX, pts.X, i0 + s0, s, f.d, pts.live);
    H.fill(0, offC, offC + w * s);
    if (featureMajor) {
      _gemmHeap(K, w, s, L, offD, L, offX, s, offC, s);
      activate(f, _heapView(), offC, w, s, out, s0, rows, j0, true);
    } else {
      _gemmHeap(K, s, w, L, offX, L, offD, w, offC, w);
      activate(f, _heapView(), offC, s, w, out, s0 * w, w, j0, false);
    }
  }
  _heapRelease(base);
  return out;
}

/** H[dst + r·L + l] = S[(r0 + r)·d + live[l]]: rows r0 … r0+rows−1 of S on the live pixels. */
function gatherRows(H: Float64Array, dst: number, S: Float32Array | Float64Array, r0: number, rows: number, d: number, live: Int32Array): void {
  const L = live.length;
  for (let r = 0; r < rows; r++) {
    const src = (r0 + r) * d, o = dst + r * L;
    for (let l = 0; l < L; l++) H[o + l] = S[src + live[l]];
  }
}

/**
 * H[dst + l·ld + r] = S[(r0 + r)·d + live[l]]: the same, transposed. Eight rows of S at a time,
 * so that each write fills a cache line rather than touching one line (and page) per pixel.
 */
function gatherColumns(H: Float64Array, dst: number, ld: number, S: Float32Array | Float64Array, r0: number, rows: number, d: number, live: Int32Array): void {
  const L = live.length;
  let r = 0;
  for (; r + 7 < rows; r += 8) {
    const s = (r0 + r) * d;
    for (let l = 0; l < L; l++) {
      const q = s + live[l], o = dst + l * ld + r;
      H[o] = S[q]; H[o + 1] = S[q + d]; H[o + 2] = S[q + 2 * d]; H[o + 3] = S[q + 3 * d];
      H[o + 4] = S[q + 4 * d]; H[o + 5] = S[q + 5 * d]; H[o + 6] = S[q + 6 * d]; H[o + 7] = S[q + 7 * d];
    }
  }
  for (; r < rows; r++) {
    const s = (r0 + r) * d;
    for (let l = 0; l < L; l++) H[dst + l * ld + r] = S[s + live[l]];
  }
}

/** Without WebAssembly: the product over all d pixels, exactly as _gemm's JavaScript path summed it before. */
function productJs(f: RandomFeatures, pts: FeaturePoints, j0: number, j1: number, i0: number, i1: number, featureMajor: boolean, out: Float64Array): void {
  const { d, W } = f;
  const w = j1 - j0, rows = i1 - i0;
  const Wc = new Float64Array(d * w); // [d, w]
  for (let j = 0; j < w; j++) for (let p = 0; p < d; p++) Wc[p * w + j] = W[(j0 - f.first + j) * d + p];
  const C = featureMajor ? new Float64Array(rows * w) : out;
  _gemm(rows, w, d, 1, pts.X, i0 * d, d, 1, Wc, 0, w, C, 0, w);
  if (featureMajor) for (let i = 0; i < rows; i++) for (let j = 0; j < w; j++) out[j * rows + i] = C[i * w + j];
}

/**
 * out[o + r·ldo + c] = φ(u[off + r·C + c]) for r < R, c < C: s·max(0, u) or s·√2·cos(u + b_j), u =
 * w_j·x_i a block of rows of features (byFeature, j = j0 + r) or of points (j = j0 + c), activated
 * in the same pass that copies it out of WebAssembly memory.
 */
function activate(f: RandomFeatures, u: Float64Array, off: number, R: number, C: number, out: Float64Array, o: number, ldo: number, j0: number, byFeature: boolean): void {
  const { scale } = f;
  if (f.kind === "relu") {
    for (let r = 0; r < R; r++) {
      const src = off + r * C, dst = o + r * ldo;
      for (let c = 0; c < C; c++) {
        const v = u[src + c];
        out[dst + c] = v > 0 ? scale * v : 0;
      }
    }
    return;
  }
  const amp = Math.SQRT2 * scale;
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) out[o + r * ldo + c] = amp * Math.cos(u[off + r * C + c] + f.b[j0 + (byFeature ? r : c)]);
  }
}
