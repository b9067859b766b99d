import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { matrix } from "../../linalg/matrix.js";
import { minNormSolve } from "./minNorm.js";
import { modelWisePath, sampleWisePath } from "./model.js";

const noWork = async () => {};

/** Reference: one independent solve on the first N features (or n samples), predictions and ‖β‖². */
function reference(F: Float64Array, cols: number, rows: number[], N: number, test: number[], Y: Float64Array, q: number, ridge = 0) {
  const A = matrix(rows.length, N), Yn = matrix(rows.length, q);
  rows.forEach((i, r) => {
    for (let j = 0; j < N; j++) A.data[r * N + j] = F[i * cols + j];
    for (let c = 0; c < q; c++) Yn.data[r * q + c] = Y[r * q + c];
  });
  const beta = minNormSolve(A, Yn, ridge);
  const pred = new Float64Array(test.length * q);
  test.forEach((i, t) => {
    for (let j = 0; j < N; j++) for (let c = 0; c < q; c++) pred[t * q + c] += F[i * cols + j] * beta.data[j * q + c];
  });
  return { pred, norm2: beta.data.reduce((s, x) => s + x * x, 0) };
}

const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(d / s);
};

describe("modelWisePath", () => {
  const n = 40, m = 15, q = 3, Nmax = 100;
  const F = rng(1).normals((n + m) * Nmax); // [n + m, Nmax]: training points, then test points
  const Y = rng(2).normals(n * q);
  const features = (j0: number, j1: number, out: Float64Array) => { // feature-major [j1 − j0, n + m]
    for (let i = 0; i < n + m; i++) for (let j = j0; j < j1; j++) out[(j - j0) * (n + m) + i] = F[i * Nmax + j];
    return out;
  };
  const train = Array.from({ length: n }, (_, i) => i), test = Array.from({ length: m }, (_, t) => n + t);

  it("reads off every N of the grid what a separate min-norm solve on the first N features gives, N = n included", async () => {
    const grid = [10, 39, 40, 41, 100];
    const path = await modelWisePath({ n, m, Y, q, features, grid, ridge: 0, work: noWork });
    expect(path.map((p) => p.size)).toEqual(grid);
    for (const pt of path) {
      const ref = reference(F, Nmax, train, pt.size, test, Y, q);
      expect(relDiff(pt.pred, ref.pred)).toBeLessThan(1e-9);
      expect(pt.norm2.reduce((s, x) => s + x, 0) / ref.norm2).toBeCloseTo(1, 9);
      if (pt.size >= n) for (const r of pt.train2) expect(r).toBe(0);
      else for (const r of pt.train2) expect(r).toBeGreaterThan(0);
    }
    expect(path[2].kappa).toBeGreaterThan(path[3].kappa); // worst conditioned at the threshold
    expect(path[2].kappa).toBeGreaterThan(path[1].kappa);
    expect(path[0].kappa).toBeNaN(); // outside the critical region: not estimated
  });

  it("gives the ridge solution (ΦᵀΦ + λI)⁻¹Φᵀy at every N, below and above n", async () => {
    const grid = [20, 40, 100];
    const path = await modelWisePath({ n, m, Y, q, features, grid, ridge: 0.5, work: noWork });
    for (const pt of path) {
      const ref = reference(F, Nmax, train, pt.size, test, Y, q, 0.5);
      expect(relDiff(pt.pred, ref.pred)).toBeLessThan(1e-9);
      expect(pt.norm2.reduce((s, x) => s + x, 0) / ref.norm2).toBeCloseTo(1, 9);
    }
  });
});

describe("sampleWisePath", () => {
  it("reads off every n of the grid what a separate solve on the first n samples gives", async () => {
    const N = 30, m = 12, q = 2, pool = 90;
    const F = rng(3).normals((pool + m) * N); // [pool + m, N]: pool samples, then test points
    const Y = rng(4).normals(pool * q);
    const grid = [5, 29, 30, 31, 90];
    const path = await sampleWisePath({
      N, m, Y, q, grid, work: noWork,
      rows: (i0, i1) => F.slice(i0 * N, i1 * N),
      Psi: F.slice(pool * N),
    });
    const test = Array.from({ length: m }, (_, t) => pool + t);
    for (const pt of path) {
      const rows = Array.from({ length: pt.size }, (_, i) => i);
      const ref = reference(F, N, rows, N, test, Y, q);
      expect(relDiff(pt.pred, ref.pred)).toBeLessThan(1e-9);
    }
  });
});
