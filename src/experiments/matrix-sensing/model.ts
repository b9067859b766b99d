/**
 * Matrix sensing by factorised gradient descent, after Xiong, Ding & Du (arXiv:2310.01769).
 *
 * Problem (their §2): recover a rank-r M* (n×n) from y_i = ⟨A_i, M*⟩, i = 1..m, by gradient
 * descent on L = (1/2m) Σ_i (⟨A_i, X⟩ − y_i)² with X = XXᵀ (symmetric parameterisation) or
 * X = FGᵀ (asymmetric). Everything is plain Float64: the paper's contrasts (linear vs Ω(1/T²),
 * rate ∝ α²) only separate cleanly once errors fall to 1e-10 and below, where float32 stalls.
 *
 * Layout: A is one row-major Float64Array of m·n² numbers, A_i = A[i·n² .. (i+1)·n²). Several
 * models ("variants") are stepped together, so one pass over A serves all of them: the
 * operator's cost, not the factor updates, is what the iteration spends its time on.
 */
import type { Rng } from "../../compute/rng.js";

/** m Gaussian measurement matrices A_i with i.i.d. N(0, 1) entries, deliberately NOT symmetrised. */
export function gaussianOperator(m: number, n: number, rng: Rng): Float64Array {
  // With symmetric A_i the anti-symmetric part of FGᵀ is invisible to the measurements, so an
  // asymmetric factorisation could drift there unpunished; non-symmetric A_i see all of X.
  return rng.normals(m * n * n); // [m, n, n]
}

/** Orthonormal columns by modified Gram–Schmidt, in place; returns the k×k upper-triangular R (A = QR). */
export function qrInPlace(Q: Float64Array, n: number, k: number): Float64Array {
  const R = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += Q[i * k + p] * Q[i * k + j];
      R[p * k + j] = d;
      for (let i = 0; i < n; i++) Q[i * k + j] -= d * Q[i * k + p];
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += Q[i * k + j] * Q[i * k + j];
    const norm = Math.sqrt(s);
    R[j * k + j] = norm;
    for (let i = 0; i < n; i++) Q[i * k + j] /= norm;
  }
  return R;
}

/**
 * The PSD ground truth M* = U diag(σ) Uᵀ, U an orthonormal n×r basis, σ spaced evenly from 1
 * down to 1/κ. Returned with its Frobenius norm, the denominator of every relative error.
 */
export function groundTruth(n: number, r: number, kappa: number, rng: Rng): { M: Float64Array; norm: number } {
  const U = rng.normals(n * r); // [n, r]
  qrInPlace(U, n, r);
  const sigma = Array.from({ length: r }, (_, j) => (r === 1 ? 1 : 1 - (j / (r - 1)) * (1 - 1 / kappa)));
  const M = new Float64Array(n * n); // [n, n]
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let j = 0; j < r; j++) s += U[a * r + j] * sigma[j] * U[b * r + j];
      M[a * n + b] = s;
    }
  }
  return { M, norm: Math.sqrt(M.reduce((s, x) => s + x * x, 0)) };
}

/**
 * out[v·m + i] = ⟨A_i, X_v⟩ for V stacked matrices X (V·n² numbers): ONE pass over A.
 * Register-blocked three rows × three variants: each load of A or X feeds three multiply-adds,
 * nine running sums fit V8's registers, and this measured ~2× a plain dot product (V8 does not
 * vectorise). Leftover rows and variants take the plain loops below.
 */
export function applyA(A: Float64Array, m: number, n2: number, X: Float64Array, V: number, out: Float64Array): void {
  let i = 0;
  for (; i + 2 < m; i += 3) {
    const a0 = i * n2, a1 = a0 + n2, a2 = a1 + n2;
    let v = 0;
    for (; v + 2 < V; v += 3) {
      const x0 = v * n2, x1 = x0 + n2, x2 = x1 + n2;
      let s00 = 0, s01 = 0, s02 = 0, s10 = 0, s11 = 0, s12 = 0, s20 = 0, s21 = 0, s22 = 0;
      for (let j = 0; j < n2; j++) {
        const p = X[x0 + j], q = X[x1 + j], u = X[x2 + j];
        const a = A[a0 + j], b = A[a1 + j], c = A[a2 + j];
        s00 += a * p; s01 += a * q; s02 += a * u;
        s10 += b * p; s11 += b * q; s12 += b * u;
        s20 += c * p; s21 += c * q; s22 += c * u;
      }
      const o0 = v * m + i, o1 = o0 + m, o2 = o1 + m;
      out[o0] = s00; out[o0 + 1] = s10; out[o0 + 2] = s20;
      out[o1] = s01; out[o1 + 1] = s11; out[o1 + 2] = s21;
      out[o2] = s02; out[o2 + 1] = s12; out[o2 + 2] = s22;
    }
    for (; v < V; v++) {
      const x0 = v * n2;
      let s0 = 0, s1 = 0, s2 = 0;
      for (let j = 0; j < n2; j++) {
        const p = X[x0 + j];
        s0 += A[a0 + j] * p; s1 += A[a1 + j] * p; s2 += A[a2 + j] * p;
      }
      out[v * m + i] = s0; out[v * m + i + 1] = s1; out[v * m + i + 2] = s2;
    }
  }
  for (; i < m; i++) {
    for (let v = 0; v < V; v++) {
      let s = 0;
      for (let j = 0; j < n2; j++) s += A[i * n2 + j] * X[v * n2 + j];
      out[v * m + i] = s;
    }
  }
}

/**
 * S_v = Σ_i R[v·m + i] A_i for V residual vectors: the adjoint Aᵀ, again ONE pass over A.
 * Four rows of A are combined per sweep of S_v (a quarter of the loads and stores of S) and
 * three variants share each load of those rows.
 */
export function applyAt(A: Float64Array, m: number, n2: number, R: Float64Array, V: number, S: Float64Array): void {
  S.fill(0, 0, V * n2);
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const o0 = i * n2, o1 = o0 + n2, o2 = o1 + n2, o3 = o2 + n2;
    let v = 0;
    for (; v + 2 < V; v += 3) {
      const p = v * m + i, q = p + m, w = q + m;
      const a0 = R[p], a1 = R[p + 1], a2 = R[p + 2], a3 = R[p + 3];
      const b0 = R[q], b1 = R[q + 1], b2 = R[q + 2], b3 = R[q + 3];
      const c0 = R[w], c1 = R[w + 1], c2 = R[w + 2], c3 = R[w + 3];
      const s = v * n2, t = s + n2, u = t + n2;
      for (let j = 0; j < n2; j++) {
        const e0 = A[o0 + j], e1 = A[o1 + j], e2 = A[o2 + j], e3 = A[o3 + j];
        S[s + j] += a0 * e0 + a1 * e1 + a2 * e2 + a3 * e3;
        S[t + j] += b0 * e0 + b1 * e1 + b2 * e2 + b3 * e3;
        S[u + j] += c0 * e0 + c1 * e1 + c2 * e2 + c3 * e3;
      }
    }
    for (; v < V; v++) {
      const p = v * m + i;
      const a0 = R[p], a1 = R[p + 1], a2 = R[p + 2], a3 = R[p + 3];
      const s = v * n2;
      for (let j = 0; j < n2; j++) S[s + j] += a0 * A[o0 + j] + a1 * A[o1 + j] + a2 * A[o2 + j] + a3 * A[o3 + j];
    }
  }
  for (; i < m; i++) {
    for (let v = 0; v < V; v++) {
      const r = R[v * m + i], s = v * n2;
      for (let j = 0; j < n2; j++) S[s + j] += r * A[i * n2 + j];
    }
  }
}

/** The three parameterisations compared in the paper (§3: XXᵀ; §4: FGᵀ; §5: FGᵀ plus one modified step). */
export type Family = "symmetric" | "asymmetric" | "one-step";

/** One model being trained: factors F (n×k) and, for FGᵀ, G (n×k); for XXᵀ, G is F. */
export interface Factors {
  family: Family;
  n: number;
  k: number;
  F: Float64Array; // [n, k]
  G: Float64Array; // [n, k]
}

/**
 * Random small initialisation. Symmetric: X₀ with i.i.d. N(0, α²) entries. Asymmetric: F₀ at
 * scale α and G₀ at α/3, the imbalance the paper's §4 analysis relies on (Theorem 1.3).
 * `base` holds standard normal draws, so variants that differ only in α share a direction.
 */
export function initFactors(family: Family, n: number, k: number, alpha: number, base: Float64Array): Factors {
  const F = new Float64Array(n * k);
  for (let i = 0; i < n * k; i++) F[i] = alpha * base[i];
  if (family === "symmetric") return { family, n, k, F, G: F };
  const G = new Float64Array(n * k);
  for (let i = 0; i < n * k; i++) G[i] = (alpha / 3) * base[n * k + i];
  return { family, n, k, F, G };
}

/** Mᵀ of a row-major n×k matrix, as k rows of n: the layout that keeps the loops below contiguous. */
function transposeInto(M: Float64Array, n: number, k: number, out: Float64Array): Float64Array {
  for (let a = 0; a < n; a++) for (let j = 0; j < k; j++) out[j * n + a] = M[a * k + j];
  return out;
}

/** X = F Gᵀ written into out[offset .. offset + n²); `scratch` holds ≥ n·k numbers. */
export function product(f: Factors, out: Float64Array, offset: number, scratch = new Float64Array(f.n * f.k)): void {
  const { n, k, F, G } = f;
  const Gt = transposeInto(G, n, k, scratch); // [k, n]
  for (let a = 0; a < n; a++) {
    const row = offset + a * n;
    out.fill(0, row, row + n);
    for (let j = 0; j < k; j++) {
      const x = F[a * k + j], g = j * n;
      for (let b = 0; b < n; b++) out[row + b] += x * Gt[g + b];
    }
  }
}

/**
 * One GD step given S = ∇_X L = (1/m) Σ_i (⟨A_i, X⟩ − y_i) A_i (stored at S[offset..]).
 * XXᵀ: ∇_X = (S + Sᵀ) X. FGᵀ: ∇_F = S G and ∇_G = Sᵀ F, both taken at the old iterate.
 * `scratch` holds ≥ 4·n·k numbers; the gradients are built transposed (k×n) so every inner
 * loop runs along a contiguous row of S.
 */
export function gdStep(f: Factors, S: Float64Array, offset: number, eta: number, scratch: Float64Array): void {
  const { n, k, F, G } = f;
  const nk = n * k;
  const Gt = transposeInto(G, n, k, scratch.subarray(0, nk)); // [k, n]
  const dFt = scratch.subarray(nk, 2 * nk).fill(0); // (S G)ᵀ, [k, n]
  const dGt = scratch.subarray(2 * nk, 3 * nk).fill(0); // (Sᵀ F)ᵀ, [k, n]
  for (let a = 0; a < n; a++) {
    const row = offset + a * n;
    for (let j = 0; j < k; j++) {
      // (S G)[a, j] = ⟨row a of S, column j of G⟩
      let d = 0;
      const g = j * n;
      for (let b = 0; b < n; b++) d += S[row + b] * Gt[g + b];
      dFt[j * n + a] = d;
      // (Sᵀ F)[:, j] += F[a, j] · (row a of S)
      const x = F[a * k + j];
      for (let b = 0; b < n; b++) dGt[g + b] += x * S[row + b];
    }
  }
  if (f.family === "symmetric") {
    for (let a = 0; a < n; a++) for (let j = 0; j < k; j++) F[a * k + j] -= eta * (dFt[j * n + a] + dGt[j * n + a]);
    return;
  }
  for (let a = 0; a < n; a++) {
    for (let j = 0; j < k; j++) {
      F[a * k + j] -= eta * dFt[j * n + a];
      G[a * k + j] -= eta * dGt[j * n + a];
    }
  }
}

/**
 * The one-step modification, in our reading of §5 (eq. 5.1; the text was not available to us,
 * see README): GD's rate in the over-parameterised FGᵀ case is governed by σ_min(F) ≈ α, so
 * once, near the optimum, re-factor the SAME product with a well-conditioned F:
 *   F = QR (thin QR),  F ← c Q,  G ← G Rᵀ / c,  so F Gᵀ is unchanged,
 * with c² = ‖F Gᵀ‖₂, which puts both factors at the scale √σ₁ that the step size was chosen for.
 * Afterwards all k singular values of F equal c, whatever α was.
 */
export function rebalance(f: Factors): void {
  const { n, k, F, G } = f;
  const R = qrInPlace(F, n, k); // F now holds Q
  const GR = new Float64Array(n * k); // G Rᵀ, [n, k]
  for (let a = 0; a < n; a++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = j; p < k; p++) s += G[a * k + p] * R[j * k + p];
      GR[a * k + j] = s;
    }
  }
  // ‖F Gᵀ‖₂ = ‖Q (G Rᵀ)ᵀ‖₂ = ‖G Rᵀ‖₂: power iteration on the k×k Gram matrix (G Rᵀ)ᵀ(G Rᵀ).
  const K = new Float64Array(k * k);
  for (let p = 0; p < k; p++) {
    for (let q = 0; q < k; q++) {
      let s = 0;
      for (let a = 0; a < n; a++) s += GR[a * k + p] * GR[a * k + q];
      K[p * k + q] = s;
    }
  }
  let x = new Float64Array(k).fill(1 / Math.sqrt(k));
  let lambda = 0;
  for (let it = 0; it < 200; it++) {
    const y = new Float64Array(k);
    for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) y[p] += K[p * k + q] * x[q];
    const norm = Math.hypot(...y);
    if (norm === 0) break;
    const done = Math.abs(norm - lambda) <= 1e-14 * norm;
    lambda = norm;
    x = y.map((t) => t / norm);
    if (done) break;
  }
  const c = Math.sqrt(Math.sqrt(lambda)); // c² = σ₁(F Gᵀ)
  for (let i = 0; i < n * k; i++) {
    F[i] *= c;
    G[i] = GR[i] / c;
  }
}
