/**
 * The model's pieces: the sub-gradient of the ℓ1 loss (and the gradient of the ℓ2 loss) against
 * finite differences of the loss itself, the corruption model, the spectral norm, the ground
 * truth, and one solver step against the update rule written out by hand.
 */
import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import {
  corruptedMeasurements, drawCorruption, frobenius, gaussianMeasurements, gram, groundTruth, lossWeights,
  spectralNorm, subgradient, symmetricPart, type Method,
} from "./model.js";
import { solve } from "./solver.js";

/** The loss f(U) = (1/m)Σ|⟨A_i, UUᵀ⟩ − y_i| (ℓ1) or (1/2m)Σ(…)² (ℓ2), and its (sub-)gradient D = 2·sym(Σ w_i A_i)·U. */
function lossAndGradient(method: Method, A: Float64Array, m: number, n: number, y: Float64Array, U: Float64Array, k: number) {
  const X = gram(U, n, k), n2 = n * n;
  const res = new Float64Array(m), w = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n2; j++) s += A[i * n2 + j] * X[j];
    res[i] = s - y[i];
  }
  const loss = lossWeights(method, res, w);
  const S = new Float64Array(n2);
  for (let i = 0; i < m; i++) for (let j = 0; j < n2; j++) S[j] += w[i] * A[i * n2 + j];
  return { loss, D: subgradient(S, n, U, k), res };
}

describe("robust-recovery model", () => {
  const n = 6, k = 3, m = 200, g = rng(3);
  const A = gaussianMeasurements(m, n, g.fork("A"));
  const truth = groundTruth(n, 2, 2, g.fork("truth"));
  const clean = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n * n; j++) clean[i] += A[i * n * n + j] * truth.X[j];
  const { y } = corruptedMeasurements(clean, drawCorruption(m, g.fork("c")), 0.2, 0, 10, truth.norm);
  const U = g.fork("U").normals(n * k);

  for (const method of ["l1", "l2"] as const) {
    it(`${method}: the (sub-)gradient 2·sym(Σ w_i A_i)·U matches the loss's directional derivatives`, () => {
      const { loss, D, res } = lossAndGradient(method, A, m, n, y, U, k);
      // Away from kinks: no residual near 0, so the ℓ1 loss is differentiable at U and D is its gradient.
      expect(Math.min(...Array.from(res, Math.abs))).toBeGreaterThan(1e-3);
      const dirs = rng(5);
      for (let trial = 0; trial < 5; trial++) {
        const Z = dirs.normals(n * k);
        const h = 1e-6;
        const plus = U.map((u, i) => u + h * Z[i]), minus = U.map((u, i) => u - h * Z[i]);
        const fd = (lossAndGradient(method, A, m, n, y, plus, k).loss - lossAndGradient(method, A, m, n, y, minus, k).loss) / (2 * h);
        const analytic = D.reduce((s, d, i) => s + d * Z[i], 0);
        expect(Math.abs(fd - analytic)).toBeLessThan(1e-5 * Math.max(1, Math.abs(analytic)));
      }
      expect(loss).toBeGreaterThan(0);
    });
  }

  it("ℓ1: sign(0) = 0 is used at a kink, an element of the sub-differential ∂|·|(0) = [−1, 1]", () => {
    const w = new Float64Array(3);
    expect(lossWeights("l1", new Float64Array([2, 0, -0.5]), w)).toBeCloseTo(2.5 / 3, 14);
    expect(Array.from(w)).toEqual([1 / 3, 0, -1 / 3]);
  });

  it("replaces exactly round(p·m) measurements, nested in p, and adds dense noise to the rest", () => {
    const c = drawCorruption(m, rng(9));
    const a = corruptedMeasurements(clean, c, 0.1, 0, 10, truth.norm), b = corruptedMeasurements(clean, c, 0.3, 0, 10, truth.norm);
    expect(a.outlier.reduce((s, x) => s + x, 0)).toBe(20);
    expect(b.outlier.reduce((s, x) => s + x, 0)).toBe(60);
    for (let i = 0; i < m; i++) {
      if (a.outlier[i]) expect(b.outlier[i]).toBe(1);
      if (!b.outlier[i]) expect(b.y[i]).toBe(clean[i]);
    }
    const noisy = corruptedMeasurements(clean, c, 0, 0.1, 10, truth.norm);
    const dev = Array.from(noisy.y, (x, i) => x - clean[i]);
    expect(Math.sqrt(dev.reduce((s, x) => s + x * x, 0) / m)).toBeCloseTo(0.1 * truth.norm, 1);
  });

  it("builds X* = U*U*ᵀ with eigenvalues 1 … 1/κ", () => {
    expect(truth.eigenvalues).toEqual([1, 0.5]);
    expect(truth.norm).toBeCloseTo(Math.hypot(1, 0.5), 12);
    expect(frobenius(gram(truth.U, n, 2))).toBeCloseTo(truth.norm, 12);
  });

  it("finds ‖Q‖₂ of a symmetric matrix by power iteration, whatever the sign of its largest eigenvalue", () => {
    const Q = new Float64Array(n * n);
    symmetricPart(rng(4).normals(n * n), 0, n, Q);
    // Reference: power iteration run to convergence from another start.
    const v = new Float64Array(n).fill(1 / Math.sqrt(n));
    const exact = spectralNorm(Q, n, v, 2000);
    expect(spectralNorm(Q, n, new Float64Array(n).fill(1), 400)).toBeCloseTo(exact, 10);
    const neg = Q.map((x) => -x);
    expect(spectralNorm(neg, n, new Float64Array(n).fill(1), 400)).toBeCloseTo(exact, 10);
  });

  it("takes the SubGM step U − (η₀ρᵗ/‖Q‖₂)·QU and the GD step U − η(S + Sᵀ)U", async () => {
    const base = rng(6).normals(n * k), alpha = 0.5;
    const s = { n, m, T: 1, eta0: 0.3, rho: 0.9, etaL2: 0.05, sigma: 0, outlierScale: 10, stride: 1 };
    const corruption = drawCorruption(m, rng(8));
    const U0 = base.map((b) => (alpha / Math.sqrt(n)) * b);
    const yv = corruptedMeasurements(clean, corruption, 0.2, 0, 10, truth.norm).y;
    for (const method of ["l1", "l2"] as const) {
      const trace = await solve(A, truth, corruption, [{ method, p: 0.2, alpha, rPrime: k }], s, base, k, async () => {});
      // By hand: one step from U0, then the error of U1.
      const { D } = lossAndGradient(method, A, m, n, yv, U0, k);
      let c: number;
      if (method === "l1") {
        const S = new Float64Array(n * n), X = gram(U0, n, k), w = new Float64Array(m), res = new Float64Array(m);
        for (let i = 0; i < m; i++) {
          let t = 0;
          for (let j = 0; j < n * n; j++) t += A[i * n * n + j] * X[j];
          res[i] = t - yv[i];
        }
        lossWeights("l1", res, w);
        for (let i = 0; i < m; i++) for (let j = 0; j < n * n; j++) S[j] += w[i] * A[i * n * n + j];
        const Q = new Float64Array(n * n);
        symmetricPart(S, 0, n, Q);
        c = s.eta0 / spectralNorm(Q, n, new Float64Array(n).fill(1 / Math.sqrt(n)), 2000) / 2; // D = 2QU
      } else {
        c = s.etaL2;
      }
      const U1 = U0.map((u, i) => u - c * D[i]);
      const X1 = gram(U1, n, k);
      const err = frobenius(X1.map((x, i) => x - truth.X[i])) / truth.norm;
      expect(trace.iters).toEqual([0, 1]);
      expect(trace.errors[0][1]).toBeCloseTo(err, method === "l1" ? 6 : 12); // l1: ‖Q‖₂ to 8 power steps
    }
  });
});
