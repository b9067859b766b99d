/**
 * The isotropic linear model of Hastie, Montanari, Rosset & Tibshirani (arXiv:1903.08560, §2 and
 * Theorem 1): x ~ N(0, I_p), y = xᵀβ + ε with ‖β‖ = r and Var ε = σ², n samples, γ = p/n. The
 * minimum-norm least-squares estimate has, as n, p → ∞ with p/n → γ, the excess risk
 *
 *   R(γ) = σ² γ / (1 − γ)                    for γ < 1,
 *   R(γ) = r² (1 − 1/γ) + σ² / (γ − 1)       for γ > 1,
 *
 * which diverges at γ = 1. For isotropic x the excess risk of an estimate is exactly ‖β̂ − β‖²,
 * so the simulation needs no test set.
 */
import type { Rng } from "../../compute/rng.js";
import { appendCost, type Work } from "./model.js";
import { appendRows, carried, sequentialQR, solveR, solveRt } from "./sequentialQR.js";

/** The limiting excess risk R(γ) of HMRT Theorem 1 (Infinity at γ = 1). */
export function hmrtRisk(gamma: number, sigma2: number, r2 = 1): number {
  if (gamma < 1) return (sigma2 * gamma) / (1 - gamma);
  if (gamma > 1) return r2 * (1 - 1 / gamma) + sigma2 / (gamma - 1);
  return Infinity;
}

/** Flops of one trial of {@link isotropicRisks}. */
export function isotropicCost(p: number, sizes: number[]): number {
  const below = sizes.filter((n) => n < p);
  const k = below.length > 0 ? below[below.length - 1] : 0;
  return appendCost(Math.max(...sizes, p), p, 1) + appendCost(p, k, 1);
}

/**
 * One trial: a fresh β (uniform on the sphere of radius r) and one growing sample, read off at
 * every n in `sizes` (sorted). Returns ‖β̂ − β‖² per size, through the same row-appended QR as
 * the MNIST probes: least squares over sample rows for n ≥ p, the minimum-norm solution over
 * feature rows for n < p (with β carried along, so β̂ᵀβ = zᵀ(Q₁ᵀβ) and Q₁ is never formed).
 */
export async function isotropicRisks(p: number, sizes: number[], sigma: number, r: number, rng: Rng, work: Work): Promise<number[]> {
  const nMax = Math.max(...sizes, p);
  const beta = rng.normals(p);
  const bn = Math.hypot(...beta);
  for (let j = 0; j < p; j++) beta[j] *= r / bn;
  const X = rng.normals(nMax * p); // [nMax, p]
  const y = new Float64Array(nMax);
  for (let i = 0; i < nMax; i++) {
    let s = sigma * rng.normal();
    for (let j = 0; j < p; j++) s += X[i * p + j] * beta[j];
    y[i] = s;
  }
  const risk = new Map<number, number>();

  const below = sizes.filter((n) => n < p);
  if (below.length > 0) {
    const k = below[below.length - 1];
    const qr = sequentialQR(k, 1);
    const B = new Float64Array(p * (k + 1)); // rows of Xᵀ (first k samples), then β_j
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < k; i++) B[j * (k + 1) + i] = X[i * p + j];
      B[j * (k + 1) + k] = beta[j];
    }
    appendRows(qr, B, p);
    await work(appendCost(p, k, 1));
    for (const n of below) {
      const z = solveRt(qr, n, y.slice(0, n), 1);
      const s = carried(qr, n);
      let zz = 0, zs = 0;
      for (let i = 0; i < n; i++) {
        zz += z[i] * z[i];
        zs += z[i] * s[i];
      }
      risk.set(n, zz - 2 * zs + r * r);
    }
  }

  const qr = sequentialQR(p, 1);
  let done = 0;
  for (const n of sizes.filter((n) => n >= p)) {
    const B = new Float64Array((n - done) * (p + 1));
    for (let i = done; i < n; i++) {
      B.set(X.subarray(i * p, (i + 1) * p), (i - done) * (p + 1));
      B[(i - done) * (p + 1) + p] = y[i];
    }
    appendRows(qr, B, n - done);
    await work(appendCost(n - done, p, 1));
    done = n;
    const bhat = solveR(qr, p, carried(qr, p), 1);
    let e = 0;
    for (let j = 0; j < p; j++) e += (bhat[j] - beta[j]) ** 2;
    risk.set(n, e);
  }
  return sizes.map((n) => risk.get(n)!);
}
