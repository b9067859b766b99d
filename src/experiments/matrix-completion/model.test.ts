import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { matrix, svd } from "../../linalg/index.js";
import { altStep, altStepMeasured, groundTruth, halfStep, omegaSize, relError, sampleOmega, spectralInit, type Truth } from "./model.js";

/** M = X* Y*ᵀ from Gaussian factors, with the factors kept (groundTruth keeps only M). */
function planted(m: number, n: number, k: number, seed: number): { truth: Truth; Xs: Float64Array; Ys: Float64Array } {
  const g = rng(seed);
  const Xs = g.normals(m * k), Ys = g.normals(n * k);
  const M = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let a = 0; a < k; a++) M[i * n + j] += Xs[i * k + a] * Ys[j * k + a];
  return { truth: { m, n, k, M, norm: Math.hypot(...M) }, Xs, Ys };
}

const maxAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => Math.max(s, Math.abs(x - b[i])), 0);

/** Σ_{j∈Ω_i} (v_ij − x_i·y_j)² summed over rows: the objective a half-step minimises. */
function rowLoss(X: Float64Array, rows: number, ptr: Int32Array, idx: Int32Array, val: Float64Array, Y: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    for (let t = ptr[i]; t < ptr[i + 1]; t++) {
      let e = val[t];
      for (let a = 0; a < k; a++) e -= X[i * k + a] * Y[idx[t] * k + a];
      s += e * e;
    }
  }
  return s;
}

describe("the ground truth and the sample", () => {
  it("builds M of rank k with singular values evenly spaced from 1 down to 1/κ and ‖M‖_F = norm", () => {
    const t = groundTruth(30, 20, 4, 5, rng(1));
    const S = svd(matrix(30, 20, t.M)).S;
    const want = [1, 1 - (1 - 1 / 5) / 3, 1 - (2 * (1 - 1 / 5)) / 3, 1 / 5];
    for (let a = 0; a < 4; a++) expect(S[a]).toBeCloseTo(want[a], 12);
    expect(S[4]).toBeLessThan(1e-13);
    expect(Math.hypot(...t.M)).toBeCloseTo(t.norm, 12);
  });

  it("samples |Ω| distinct entries, the same set by rows and by columns, with M's values", () => {
    const t = groundTruth(13, 17, 2, 1, rng(2));
    const o = sampleOmega(13, 17, 100, rng(3), (i, j) => t.M[i * 17 + j]);
    expect(o.count).toBe(100);
    const byRow = new Set<number>(), byCol = new Set<number>();
    for (let i = 0; i < 13; i++) {
      for (let q = o.rowPtr[i]; q < o.rowPtr[i + 1]; q++) {
        byRow.add(i * 17 + o.rowIdx[q]);
        expect(o.rowVal[q]).toBe(t.M[i * 17 + o.rowIdx[q]]);
      }
    }
    for (let j = 0; j < 17; j++) {
      for (let q = o.colPtr[j]; q < o.colPtr[j + 1]; q++) {
        byCol.add(o.colIdx[q] * 17 + j);
        expect(o.colVal[q]).toBe(t.M[o.colIdx[q] * 17 + j]);
      }
    }
    expect(byRow.size).toBe(100);
    expect([...byCol].sort((a, b) => a - b)).toEqual([...byRow].sort((a, b) => a - b));
  });

  it("asks for c·n·k·ln n samples, never more than m·n", () => {
    expect(omegaSize(2, 100, 100, 3)).toBe(Math.round(2 * 100 * 3 * Math.log(100)));
    expect(omegaSize(100, 10, 10, 5)).toBe(100);
  });

  it("starts from XYᵀ = M when every entry is observed (the spectral start is then the truncated SVD of M)", () => {
    const t = groundTruth(25, 18, 3, 2, rng(4));
    const o = sampleOmega(25, 18, 25 * 18, rng(5), (i, j) => t.M[i * 18 + j]);
    const { X, Y } = spectralInit(t, o);
    expect(relError(t, X, Y)).toBeLessThan(1e-12);
  });
});

describe("the least-squares row updates", () => {
  it("exact updates return the true factor X* given Y* when M = X*Y*ᵀ is observed on Ω (each row seen ≥ k times)", () => {
    const { truth, Xs, Ys } = planted(40, 30, 3, 6);
    const o = sampleOmega(40, 30, 600, rng(7), (i, j) => truth.M[i * 30 + j]);
    for (let i = 0; i < 40; i++) expect(o.rowPtr[i + 1] - o.rowPtr[i]).toBeGreaterThanOrEqual(3);
    const X = rng(8).normals(40 * 3);
    halfStep(X, 40, o.rowPtr, o.rowIdx, o.rowVal, Ys, 3, "exact", 1);
    expect(maxAbsDiff(X, Xs)).toBeLessThan(1e-10);
    // and then Y given the recovered X: XYᵀ = M everywhere, observed or not
    const Y = rng(9).normals(30 * 3);
    halfStep(Y, 30, o.colPtr, o.colIdx, o.colVal, X, 3, "exact", 1);
    expect(relError(truth, X, Y)).toBeLessThan(1e-10);
  });

  it("exact updates solve each row's least-squares problem when the observations are inconsistent (the gradient vanishes)", () => {
    const k = 4, rows = 12, cols = 20, g = rng(10);
    const o = sampleOmega(rows, cols, 150, g.fork("omega"), () => 0);
    o.rowVal.set(g.normals(150));
    const Y = g.normals(cols * k), X = g.normals(rows * k);
    halfStep(X, rows, o.rowPtr, o.rowIdx, o.rowVal, Y, k, "exact", 1);
    for (let i = 0; i < rows; i++) {
      const grad = new Float64Array(k);
      for (let t = o.rowPtr[i]; t < o.rowPtr[i + 1]; t++) {
        let e = o.rowVal[t];
        for (let a = 0; a < k; a++) e -= X[i * k + a] * Y[o.rowIdx[t] * k + a];
        for (let a = 0; a < k; a++) grad[a] += e * Y[o.rowIdx[t] * k + a];
      }
      for (let a = 0; a < k; a++) expect(Math.abs(grad[a])).toBeLessThan(1e-10);
    }
  });

  it("CGLS reaches the least-squares solution in k iterations (k unknowns a row) and lowers the loss with fewer", () => {
    const k = 5, rows = 15, cols = 40, g = rng(11);
    const o = sampleOmega(rows, cols, 300, g.fork("omega"), () => 0);
    o.rowVal.set(g.normals(300));
    const Y = g.normals(cols * k), X0 = g.normals(rows * k);
    const exact = X0.slice(), full = X0.slice(), one = X0.slice(), two = X0.slice();
    halfStep(exact, rows, o.rowPtr, o.rowIdx, o.rowVal, Y, k, "exact", 1);
    halfStep(full, rows, o.rowPtr, o.rowIdx, o.rowVal, Y, k, "approx", k);
    expect(maxAbsDiff(full, exact)).toBeLessThan(1e-9);
    halfStep(one, rows, o.rowPtr, o.rowIdx, o.rowVal, Y, k, "approx", 1);
    halfStep(two, rows, o.rowPtr, o.rowIdx, o.rowVal, Y, k, "approx", 2);
    const loss = (X: Float64Array) => rowLoss(X, rows, o.rowPtr, o.rowIdx, o.rowVal, Y, k);
    expect(loss(one)).toBeLessThan(loss(X0));
    expect(loss(two)).toBeLessThan(loss(one));
    expect(loss(two)).toBeGreaterThan(loss(exact) * (1 + 1e-6));
  });

  it("measures how much of the least-squares step a solver left undone: 0 for exact, between 0 and 1 for a short CGLS, without changing the step", () => {
    const t = groundTruth(40, 40, 4, 3, rng(12));
    const o = sampleOmega(40, 40, 900, rng(13), (i, j) => t.M[i * 40 + j]);
    const start = spectralInit(t, o);
    for (const [solver, iters] of [["exact", 1], ["approx", 1], ["approx", 2]] as const) {
      const X = start.X.slice(), Y = start.Y.slice(), X2 = start.X.slice(), Y2 = start.Y.slice();
      const gap = altStepMeasured(t, o, X, Y, solver, iters);
      altStep(t, o, X2, Y2, solver, iters);
      expect(maxAbsDiff(X, X2)).toBe(0);
      expect(maxAbsDiff(Y, Y2)).toBe(0);
      if (solver === "exact") expect(gap).toBe(0);
      else {
        expect(gap).toBeGreaterThan(1e-4);
        expect(gap).toBeLessThan(1);
      }
    }
  });
});
