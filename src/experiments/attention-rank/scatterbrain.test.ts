import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { matmulABt, matrix } from "../../linalg/index.js";
import { defaultDecomposition, meetsStoppingRule, oracleErrors, orthogonalFeatures, scatterbrainProbe } from "./scatterbrain.js";

const gauss = (rows: number, cols: number, seed: number) => matrix(rows, cols, rng(seed).normals(rows * cols));
const errorOf = (points: ReturnType<typeof scatterbrainProbe>, family: string, method: string, tau: number) =>
  points.find((p) => p.family === family && p.method === method && p.temperature === tau)!.error;

describe("orthogonalFeatures", () => {
  it("makes each block of d rows mutually orthogonal", () => {
    const d = 6, W = orthogonalFeatures(12, d, rng(1));
    for (const start of [0, 6]) {
      for (let i = start; i < start + d; i++) {
        for (let j = start; j < i; j++) {
          let dot = 0;
          for (let c = 0; c < d; c++) dot += W[i * d + c] * W[j * d + c];
          expect(Math.abs(dot)).toBeLessThan(1e-10);
        }
      }
    }
  });
});

describe("scatterbrainProbe (Chen et al. 2021, Fig. 1 left)", () => {
  const Q = gauss(48, 8, 2), K = gauss(48, 8, 3);

  it("is exact when the budget covers every key", () => {
    const pts = scatterbrainProbe(Q, K, [1], 2 * 48, rng(4), { oracle: true });
    expect(errorOf(pts, "random features", "sparse", 1)).toBeLessThan(1e-12);
    expect(errorOf(pts, "random features", "sparse+low-rank", 1)).toBeLessThan(1e-12);
    expect(errorOf(pts, "oracle", "sparse", 1)).toBeLessThan(1e-12);
    expect(errorOf(pts, "oracle", "sparse+low-rank", 1)).toBeLessThan(1e-10);
  });

  it("finds sparse best for peaked attention and low-rank best for flat attention", () => {
    const pts = scatterbrainProbe(Q, K, [0.01, 100], 8, rng(5), { oracle: true });
    for (const family of ["random features", "oracle"]) {
      expect(errorOf(pts, family, "sparse", 0.01)).toBeLessThan(errorOf(pts, family, "low-rank", 0.01));
      expect(errorOf(pts, family, "low-rank", 100)).toBeLessThan(errorOf(pts, family, "sparse", 100));
    }
    const entropy = (t: number) => pts.find((p) => p.temperature === t)!.entropy;
    expect(entropy(0.01)).toBeLessThan(0.05);
    expect(entropy(100)).toBeGreaterThan(0.99);
  });

  it("estimates flat attention well from positive random features (unbiased for exp(x·y))", () => {
    // At τ = 1000 the logits are ~1e-3, so exp(x·y) ≈ 1 and the estimator's variance is tiny.
    const pts = scatterbrainProbe(Q, K, [1000], 16, rng(6), { oracle: false });
    expect(errorOf(pts, "random features", "low-rank", 1000)).toBeLessThan(0.02);
  });
});

describe("scatterbrainProbe budgets", () => {
  it("accepts a budget larger than the sequence and is then exact", () => {
    const Q = gauss(8, 4, 7), K = gauss(8, 4, 8);
    const pts = scatterbrainProbe(Q, K, [0.5], 64, rng(9), { oracle: true });
    for (const method of ["sparse", "low-rank", "sparse+low-rank"]) expect(errorOf(pts, "oracle", method, 0.5)).toBeLessThan(1e-8);
  });
});

describe("oracle sparse + low-rank decomposition (alternating projections)", () => {
  it("recovers a matrix that is exactly rank 2 plus 2 spikes per row, and stops by its rule", () => {
    const N = 40, r = rng(10);
    const A = matmulABt(matrix(N, 2, r.normals(2 * N)), matrix(N, 2, r.normals(2 * N)));
    for (let i = 0; i < N; i++) for (const j of [(3 * i) % N, (7 * i + 5) % N]) A.data[i * N + j] += 20;
    const { errors, steps } = oracleErrors(A, 4, rng(11)); // 2 sparse entries per row + rank 2
    expect(errors["sparse+low-rank"]).toBeLessThan(1e-6);
    for (const start of ["low-rank first", "sparse first"]) {
      const own = steps.filter((s) => s.start === start);
      const last = own[own.length - 1];
      expect(last.converged, start).toBe(true);
      expect(meetsStoppingRule(last.error, last.change)).toBe(true);
      expect(own.length).toBeLessThanOrEqual(defaultDecomposition.maxIterations);
    }
    expect(errors["sparse+low-rank"]).toBeLessThan(Math.min(errors.sparse, errors["low-rank"]));
  });

  it("never raises the error by more than round-off from one iteration to the next, and reports the cap when it stops there", () => {
    const N = 48, Q = gauss(N, 8, 12), K = gauss(N, 8, 13);
    const A = matrix(N, N);
    for (let i = 0; i < N; i++) {
      let sum = 0;
      for (let j = 0; j < N; j++) {
        let dot = 0;
        for (let c = 0; c < 8; c++) dot += Q.data[i * 8 + c] * K.data[j * 8 + c];
        sum += (A.data[i * N + j] = Math.exp(dot / Math.sqrt(8)));
      }
      for (let j = 0; j < N; j++) A.data[i * N + j] /= sum;
    }
    const { steps } = oracleErrors(A, 8, rng(14), { maxIterations: 5, tol: 0, absTol: 0 });
    for (const start of ["low-rank first", "sparse first"]) {
      const own = steps.filter((s) => s.start === start);
      expect(own.length).toBe(5);
      expect(own[4].converged).toBe(false);
      for (let t = 2; t < own.length; t++) expect(own[t].error).toBeLessThanOrEqual(own[t - 1].error * (1 + 1e-6));
    }
  });
});
