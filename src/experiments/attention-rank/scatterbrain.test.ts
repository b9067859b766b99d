import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { matrix } from "../../linalg/index.js";
import { orthogonalFeatures, scatterbrainProbe } from "./scatterbrain.js";

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
