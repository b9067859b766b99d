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
import { _gemm } from "../../linalg/gemm.js";

export type FeatureKind = "relu" | "fourier";

export interface RandomFeatures {
  kind: FeatureKind;
  /** Number of features N. */
  count: number;
  /** Input dimension d. */
  d: number;
  /** [d, N] pixel-major directions (column j is w_j), pre-divided by σ for Fourier features. */
  Wt: Float32Array;
  /** [N] phases b_j (Fourier only). */
  b: Float64Array;
  /** The output scale s. */
  scale: number;
}

/** Images centred by x̄ and scaled to unit norm: [count, d] row-major. */
export function centredPoints(X: Float32Array, d: number, mean: Float64Array): Float64Array {
  const count = X.length / d;
  const out = new Float64Array(count * d);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let p = 0; p < d; p++) {
      const v = X[i * d + p] - mean[p];
      out[i * d + p] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let p = 0; p < d; p++) out[i * d + p] *= inv;
  }
  return out;
}

/** Draws N directions (and phases): w_j ~ N(0, I_d) from `rng`, feature by feature. */
export function randomFeatures(kind: FeatureKind, count: number, d: number, bandwidth: number, scale: number, rng: Rng): RandomFeatures {
  const Wt = new Float32Array(d * count);
  const spread = kind === "fourier" ? 1 / bandwidth : 1;
  for (let j = 0; j < count; j++) for (let p = 0; p < d; p++) Wt[p * count + j] = spread * rng.normal();
  const b = new Float64Array(kind === "fourier" ? count : 0);
  for (let j = 0; j < b.length; j++) b[j] = 2 * Math.PI * rng.uniform();
  return { kind, count, d, Wt, b, scale };
}

/**
 * φ_j(x_i) for the points i0 ≤ i < i1 of X ([count, d], from centredPoints) and the features
 * j0 ≤ j < j1, sample-major: out[(i − i0)·(j1 − j0) + (j − j0)].
 */
export function featureBlock(f: RandomFeatures, X: Float64Array, j0: number, j1: number, i0 = 0, i1 = X.length / f.d): Float64Array {
  const { d, count: N, scale } = f;
  const w = j1 - j0, rows = i1 - i0;
  const Wc = new Float64Array(d * w); // [d, w]
  for (let p = 0; p < d; p++) for (let j = 0; j < w; j++) Wc[p * w + j] = f.Wt[p * N + j0 + j];
  const out = new Float64Array(rows * w);
  _gemm(rows, w, d, 1, X, i0 * d, d, 1, Wc, 0, w, out, 0, w);
  if (f.kind === "relu") {
    for (let k = 0; k < out.length; k++) out[k] = out[k] > 0 ? scale * out[k] : 0;
  } else {
    const amp = Math.SQRT2 * scale;
    for (let i = 0; i < rows; i++) for (let j = 0; j < w; j++) out[i * w + j] = amp * Math.cos(out[i * w + j] + f.b[j0 + j]);
  }
  return out;
}
