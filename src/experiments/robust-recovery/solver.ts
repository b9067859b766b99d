/**
 * SubGM on the ℓ1 loss and GD on the ℓ2 loss for V variants stepped together over one shared
 * operator: every iteration is one forward product 𝒜(U_vU_vᵀ) and one adjoint product
 * Σ_i w_{v,i} A_i for all variants at once (operator.ts), then an n×n·r′ update per variant.
 *
 * Step sizes, in our reading of the paper (see README, "What runs": a geometrically decaying
 * schedule as the method is summarised, not checked against its text; the normalisation by
 * ‖Q_t‖₂ is our reading and the constants are ours):
 *   ℓ1 SubGM:  U_{t+1} = U_t − (η₀ρᵗ / ‖Q_t‖₂) Q_t U_t,  Q_t = sym((1/m) Σ_i sign(r_i) A_i),
 *              so D_t = 2Q_tU_t ∈ ∂f(U_t) and the step is scale-free: it moves U by a fraction
 *              η₀ρᵗ of itself whatever the size of the sub-gradient.
 *   ℓ2 GD:     U_{t+1} = U_t − η (S_t + S_tᵀ) U_t,  S_t = (1/m) Σ_i r_i A_i, a constant η.
 */
import type { Corruption, GroundTruth, Method } from "./model.js";
import { corruptedMeasurements, gram, lossWeights, relativeError, spectralNorm, stepFactor } from "./model.js";
import { measurementOperator, packSymmetric, unpackSymmetric, type MeasurementOperator } from "./operator.js";

export interface VariantSpec {
  method: Method;
  p: number;
  alpha: number;
  rPrime: number;
}

export interface SolverSettings {
  n: number;
  m: number;
  T: number;
  eta0: number;
  rho: number;
  etaL2: number;
  sigma: number;
  outlierScale: number;
  /** Record the error every `stride` iterations (and at T). */
  stride: number;
}

export interface Trace {
  iters: number[];
  /** errors[v][k]: ‖U UᵀX − X*‖_F/‖X*‖_F of variant v at iters[k]. */
  errors: number[][];
  /** The loss each variant minimises (ℓ1 or ½ℓ2 of the residual), at the same points. */
  losses: number[][];
  /** Iteration at which a variant's error first exceeded DIVERGED (then frozen), or −1. */
  divergedAt: number[];
  operatorKind: MeasurementOperator["kind"];
}

/** Beyond this relative error a run has diverged; it is stopped and its error held there. */
export const DIVERGED = 1e6;

/**
 * Runs every variant for T iterations. `base` holds n·rMax standard normal draws: variant v
 * starts from U_0 = α·B with B the first r′ columns of base/√n, so runs that differ only in α
 * share a direction. `checkpoint` is called once per iteration (progress, abort, yield).
 */
export async function solve(
  A: Float64Array, truth: GroundTruth, corruption: Corruption, variants: readonly VariantSpec[], s: SolverSettings,
  base: Float64Array, rMax: number, checkpoint: (done: number, total: number) => Promise<void>,
  resident = true,
): Promise<Trace> {
  const { n, m, T } = s;
  const n2 = n * n, V = variants.length;
  const op = measurementOperator(A, m, n, V, resident);
  try {
    const { ld, Vp } = op;
    // Clean measurements 𝒜(X*) through the same operator (variant 0's column), then each variant's y.
    {
      const { X } = op.views();
      X.fill(0);
      packSymmetric(truth.X, n, X, 0, Vp);
      op.forward();
    }
    const cleanR = op.views().R;
    const clean = new Float64Array(m);
    for (let i = 0; i < m; i++) clean[i] = cleanR[i * Vp];
    const ys = variants.map((v) => corruptedMeasurements(clean, corruption, v.p, s.sigma, s.outlierScale, truth.norm).y);

    const Us = variants.map((v) => {
      const U = new Float64Array(n * v.rPrime);
      for (let a = 0; a < n; a++) for (let j = 0; j < v.rPrime; j++) U[a * v.rPrime + j] = (v.alpha / Math.sqrt(n)) * base[a * rMax + j];
      return U;
    });
    const power = variants.map(() => new Float64Array(n).fill(1 / Math.sqrt(n)));
    const Q = new Float64Array(n2), G = new Float64Array(n2), res = new Float64Array(m), w = new Float64Array(m);
    const scratch = new Float64Array(n * rMax), errScratch = new Float64Array(n2);
    const trace: Trace = { iters: [], errors: variants.map(() => []), losses: variants.map(() => []), divergedAt: variants.map(() => -1), operatorKind: op.kind };
    const frozen = variants.map(() => false);

    for (let t = 0; t <= T; t++) {
      // X_v = U_vU_vᵀ (its upper triangle) into column v, then R = 𝒜(X) for all variants.
      let views = op.views();
      for (let v = 0; v < V; v++) {
        gram(Us[v], n, variants[v].rPrime, G);
        packSymmetric(G, n, views.X, v, Vp);
      }
      op.forward();
      views = op.views();
      const record = t % s.stride === 0 || t === T;
      if (record) trace.iters.push(t);
      for (let v = 0; v < V; v++) {
        const y = ys[v];
        for (let i = 0; i < m; i++) res[i] = views.R[i * Vp + v] - y[i];
        const loss = lossWeights(variants[v].method, res, w);
        if (frozen[v]) w.fill(0);
        views.W.set(w, v * m);
        if (record) {
          const err = frozen[v] ? DIVERGED : relativeError(Us[v], n, variants[v].rPrime, truth, errScratch);
          trace.errors[v].push(err);
          trace.losses[v].push(frozen[v] ? NaN : loss);
        }
      }
      if (t === T) break;
      op.adjoint();
      views = op.views();
      for (let v = 0; v < V; v++) {
        if (frozen[v]) continue;
        const spec = variants[v];
        unpackSymmetric(views.S, v * ld, n, Q);
        let c: number;
        if (spec.method === "l1") {
          const norm = spectralNorm(Q, n, power[v]);
          c = norm > 0 ? (s.eta0 * s.rho ** t) / norm : 0;
        } else {
          c = 2 * s.etaL2;
        }
        stepFactor(Us[v], n, spec.rPrime, Q, c, scratch);
        let big = false;
        for (let i = 0; i < Us[v].length; i++) if (!(Math.abs(Us[v][i]) < 1e6)) big = true;
        if (big || (record && trace.errors[v][trace.errors[v].length - 1] > DIVERGED)) {
          frozen[v] = true;
          trace.divergedAt[v] = t;
        }
      }
      await checkpoint(t + 1, T);
    }
    return trace;
  } finally {
    op.dispose();
  }
}
