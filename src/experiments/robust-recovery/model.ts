/**
 * Robust matrix recovery by the sub-gradient method, after Ma & Fattahi (arXiv:2202.08788).
 *
 * Problem (their eq. 1–2): recover a rank-r PSD X* = U*U*ᵀ (n×n) from y = 𝒜(X*) + s, where a
 * fraction p of the measurements are outliers, by minimising the ℓ1 loss
 *   f(U) = (1/m) Σ_i |⟨A_i, UUᵀ⟩ − y_i|,   U ∈ R^{n×r′}, r′ ≥ r,
 * with the sub-gradient method (SubGM) from a small initialisation U_0 = αB. The baseline is
 * gradient descent on the ℓ2 loss (1/2m) Σ_i (⟨A_i, UUᵀ⟩ − y_i)² from the same start.
 *
 * Everything is float64: the claims compare errors of 1e-6 and below.
 */
import type { Rng } from "../../compute/rng.js";
import { _rowDots } from "../../linalg/rowDots.js";

/** m Gaussian measurement matrices A_i with i.i.d. N(0, 1) entries, row i = vec(A_i): [m, n²]. */
export function gaussianMeasurements(m: number, n: number, rng: Rng): Float64Array {
  return rng.normals(m * n * n);
}

/** Orthonormal columns by modified Gram–Schmidt, in place (Q is n×k, row-major). */
export function orthonormalize(Q: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += Q[i * k + p] * Q[i * k + j];
      for (let i = 0; i < n; i++) Q[i * k + j] -= d * Q[i * k + p];
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += Q[i * k + j] ** 2;
    const norm = Math.sqrt(s);
    for (let i = 0; i < n; i++) Q[i * k + j] /= norm;
  }
}

export interface GroundTruth {
  /** U* (n×r) with X* = U*U*ᵀ. */
  U: Float64Array;
  /** X* (n×n, row-major). */
  X: Float64Array;
  /** ‖X*‖_F, the denominator of every relative error. */
  norm: number;
  /** The eigenvalues of X*, from 1 down to 1/κ. */
  eigenvalues: number[];
}

/**
 * X* = V diag(λ) Vᵀ with V a random orthonormal n×r basis and λ spaced evenly from 1 down to 1/κ;
 * U* = V diag(√λ).
 */
export function groundTruth(n: number, r: number, kappa: number, rng: Rng): GroundTruth {
  const V = rng.normals(n * r);
  orthonormalize(V, n, r);
  const eigenvalues = Array.from({ length: r }, (_, j) => (r === 1 ? 1 : 1 - (j / (r - 1)) * (1 - 1 / kappa)));
  const U = new Float64Array(n * r);
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) U[i * r + j] = V[i * r + j] * Math.sqrt(eigenvalues[j]);
  const X = gram(U, n, r);
  return { U, X, norm: frobenius(X), eigenvalues };
}

/**
 * UUᵀ for U n×k (row-major), as a new n×n array. Four entries of a row at a time, each its own
 * sum over j in order (the same bits as one dot product per entry): the loads of row a are shared
 * and the four sums run side by side. The same holds for `spectralNorm` and `stepFactor` below;
 * together they took a fifth of a paper-size run as one sum at a time.
 */
export function gram(U: Float64Array, n: number, k: number, out = new Float64Array(n * n)): Float64Array {
  for (let a = 0; a < n; a++) {
    const ua = a * k;
    let b = a;
    for (; b + 3 < n; b += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const u0 = b * k, u1 = u0 + k, u2 = u1 + k, u3 = u2 + k;
      for (let j = 0; j < k; j++) {
        const x = U[ua + j];
        s0 += x * U[u0 + j];
        s1 += x * U[u1 + j];
        s2 += x * U[u2 + j];
        s3 += x * U[u3 + j];
      }
      out[a * n + b] = out[b * n + a] = s0;
      out[a * n + b + 1] = out[(b + 1) * n + a] = s1;
      out[a * n + b + 2] = out[(b + 2) * n + a] = s2;
      out[a * n + b + 3] = out[(b + 3) * n + a] = s3;
    }
    for (; b < n; b++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += U[ua + j] * U[b * k + j];
      out[a * n + b] = s;
      out[b * n + a] = s;
    }
  }
  return out;
}

export function frobenius(X: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) s += X[i] * X[i];
  return Math.sqrt(s);
}

/** ‖UUᵀ − X*‖_F / ‖X*‖_F. */
export function relativeError(U: Float64Array, n: number, k: number, truth: GroundTruth, scratch = new Float64Array(n * n)): number {
  gram(U, n, k, scratch);
  let s = 0;
  for (let i = 0; i < n * n; i++) s += (scratch[i] - truth.X[i]) ** 2;
  return Math.sqrt(s) / truth.norm;
}

/**
 * The corruption shared by every variant, so that runs at different p differ only in p: one
 * random order of the measurements (the first round(p·m) of it are outliers, so the outlier sets
 * are nested), one outlier value per measurement and one dense-noise draw per measurement.
 */
export interface Corruption {
  order: Int32Array;
  /** Outlier values o_i ~ N(0, (outlierScale·‖X*‖_F)²): ~outlierScale× a clean measurement's spread. */
  outliers: Float64Array;
  /** Standard normal draws for the dense noise σ·‖X*‖_F·ε_i. */
  noise: Float64Array;
}

export function drawCorruption(m: number, rng: Rng): Corruption {
  return { order: rng.permutation(m), outliers: rng.normals(m), noise: rng.normals(m) };
}

/**
 * The measurements one variant sees: clean 𝒜(X*) plus dense noise σ‖X*‖_F ε on every
 * measurement, then the first round(p·m) measurements in `order` replaced by outliers
 * o_i = outlierScale·‖X*‖_F·z_i. Returns y and the outlier mask.
 */
export function corruptedMeasurements(
  clean: Float64Array, c: Corruption, p: number, sigma: number, outlierScale: number, normX: number,
): { y: Float64Array; outlier: Uint8Array } {
  const m = clean.length;
  const y = new Float64Array(m), outlier = new Uint8Array(m);
  for (let i = 0; i < m; i++) y[i] = clean[i] + sigma * normX * c.noise[i];
  const k = Math.round(p * m);
  for (let j = 0; j < k; j++) {
    const i = c.order[j];
    y[i] = outlierScale * normX * c.outliers[i];
    outlier[i] = 1;
  }
  return { y, outlier };
}

export type Method = "l1" | "l2";

/**
 * The weights of the adjoint for one variant from its residuals res_i = ⟨A_i, UUᵀ⟩ − y_i:
 * w_i = sign(res_i)/m for the ℓ1 loss (a sub-gradient: sign(0) = 0, a valid element of ∂|·|),
 * w_i = res_i/m for the ℓ2 loss. Returns the loss value. `R` and `y` are read at stride 1.
 */
export function lossWeights(method: Method, res: Float64Array, w: Float64Array): number {
  const m = res.length;
  let loss = 0;
  if (method === "l1") {
    for (let i = 0; i < m; i++) {
      const x = res[i];
      loss += Math.abs(x);
      w[i] = (x > 0 ? 1 : x < 0 ? -1 : 0) / m;
    }
    return loss / m;
  }
  for (let i = 0; i < m; i++) {
    const x = res[i];
    loss += x * x;
    w[i] = x / m;
  }
  return loss / (2 * m);
}

/** Q = (S + Sᵀ)/2 for S n×n stored at S[off ..] (any padding after n² ignored). */
export function symmetricPart(S: Float64Array, off: number, n: number, Q: Float64Array): void {
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      const x = 0.5 * (S[off + a * n + b] + S[off + b * n + a]);
      Q[a * n + b] = x;
      Q[b * n + a] = x;
    }
  }
}

/**
 * ‖Q‖₂ of a symmetric n×n Q by power iteration on Q², warm-started from `v` (updated in place:
 * successive iterates change little, so a handful of steps suffice). Deterministic given v.
 */
export function spectralNorm(Q: Float64Array, n: number, v: Float64Array, iterations = 8): number {
  const t = new Float64Array(n);
  let lambda = 0;
  for (let it = 0; it < iterations; it++) {
    _rowDots(Q, n, n, v, t);
    _rowDots(Q, n, n, t, v);
    let norm = 0;
    for (let a = 0; a < n; a++) norm += v[a] * v[a];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let a = 0; a < n; a++) v[a] /= norm;
    lambda = Math.sqrt(norm); // ‖Q²v‖ with ‖v‖ = 1 → λ_max(Q²) = ‖Q‖₂²
  }
  return lambda;
}

/** U ← U − c·Q U for U n×k (one step along −(S + Sᵀ)U = −2QU, with the 2 folded into c). */
export function stepFactor(U: Float64Array, n: number, k: number, Q: Float64Array, c: number, scratch: Float64Array): void {
  const QU = scratch;
  for (let a = 0; a < n; a++) {
    const qa = a * n, row = a * k;
    let j = 0;
    for (; j + 3 < k; j += 4) { // four columns of QU side by side, each summed over b in order
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let b = 0, u = j; b < n; b++, u += k) {
        const q = Q[qa + b];
        s0 += q * U[u];
        s1 += q * U[u + 1];
        s2 += q * U[u + 2];
        s3 += q * U[u + 3];
      }
      QU[row + j] = s0;
      QU[row + j + 1] = s1;
      QU[row + j + 2] = s2;
      QU[row + j + 3] = s3;
    }
    for (; j < k; j++) {
      let s = 0;
      for (let b = 0; b < n; b++) s += Q[qa + b] * U[b * k + j];
      QU[row + j] = s;
    }
  }
  for (let i = 0; i < n * k; i++) U[i] -= c * QU[i];
}

/**
 * The sub-gradient D = ∂f/∂U of the loss at U given S = Σ_i w_i A_i: D = (S + Sᵀ)U = 2QU,
 * the chain rule through ⟨A_i, UUᵀ⟩ (whose gradient in U is (A_i + A_iᵀ)U). For tests.
 */
export function subgradient(S: Float64Array, n: number, U: Float64Array, k: number): Float64Array {
  const Q = new Float64Array(n * n);
  symmetricPart(S, 0, n, Q);
  const D = new Float64Array(n * k);
  for (let a = 0; a < n; a++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let b = 0; b < n; b++) s += Q[a * n + b] * U[b * k + j];
      D[a * k + j] = 2 * s;
    }
  }
  return D;
}
