import { describe, expect, it } from "vitest";
import { initBackend, tf } from "../compute/backend.js";
import { rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import { matrix, randomOrthonormal, svd, toArrays, transpose, type Matrix } from "../linalg/index.js";
import { _compare, compare, compareLayers, intruderCount, scaleIntruders } from "./compare.js";

const n = 30;
// σ_i = 10·0.8^i: the top is well separated; the bottom values lie between 0.01 and 0.1.
const s = Float64Array.from({ length: n }, (_, i) => 10 * 0.8 ** i);
const U0 = randomOrthonormal(n, n, rng(1));
const V0 = randomOrthonormal(n, n, rng(2));

/** Σ_i c_i a_i b_iᵀ for columns a_i of A and b_i of B. */
function outer(A: Matrix, B: Matrix, terms: Array<[number, Float64Array, Float64Array]>): Matrix {
  const out = matrix(A.rows, B.rows);
  for (const [c, a, b] of terms) for (let i = 0; i < A.rows; i++) for (let j = 0; j < B.rows; j++) out.data[i * B.rows + j] += c * a[i] * b[j];
  return out;
}
const col = (M: Matrix, j: number) => Float64Array.from({ length: M.rows }, (_, i) => M.data[i * M.cols + j]);
/** The unit vector along the sum of the columns `idx` of M: |cos| = 1/√|idx| with each of them. */
const spread = (M: Matrix, idx: number[]) => {
  const v = new Float64Array(M.rows);
  for (const j of idx) for (let i = 0; i < M.rows; i++) v[i] += M.data[i * M.cols + j] / Math.sqrt(idx.length);
  return v;
};
const W0 = outer(U0, V0, Array.from(s, (si, i) => [si, col(U0, i), col(V0, i)] as [number, Float64Array, Float64Array]));
const plus = (A: Matrix, B: Matrix) => matrix(A.rows, A.cols, A.data.map((x, i) => x + B.data[i]));
const G1 = [12, 14, 16, 18, 20, 22, 24, 26]; // eight bottom directions: |cos| with each is 1/√8 ≈ 0.354
const G2 = [13, 15, 17, 19, 21, 23, 25, 27];

describe("spectra.compare", () => {
  it("finds no intruders and a unit diagonal when W equals W0", () => {
    const c = compare(W0, W0);
    expect(c.intruderCount).toBe(0);
    for (let j = 0; j < c.k; j++) {
      expect(c.maxSimilarity[j]).toBeCloseTo(1, 10);
      expect(c.similarity.data[j * c.k + j]).toBeCloseTo(1, 10);
      expect(c.bestMatch[j]).toBe(j);
    }
    expect(c.S0[0]).toBeCloseTo(10, 10);
    expect(c.stableRank.W0).toBeCloseTo(c.stableRank.W, 10);
    expect(c.effectiveRank.W0).toBeGreaterThan(1);
  });

  it("accepts nested arrays, Matrix and tfjs tensors alike", async () => {
    await initBackend();
    const W = plus(W0, outer(U0, V0, [[25, spread(U0, G1), spread(V0, G1)]]));
    const fromMatrix = compare(W0, W);
    const fromArrays = compare(toArrays(W0), toArrays(W));
    const tensors = [tf.tensor2d(toArrays(W0)), tf.tensor2d(toArrays(W))];
    const fromTensors = compare(tensors[0], tensors[1]);
    tf.dispose(tensors);
    expect(fromArrays.intruders).toEqual(fromMatrix.intruders);
    expect(fromTensors.intruders).toEqual(fromMatrix.intruders); // float32 copies, same verdict
    expect(Array.from(fromArrays.maxSimilarity)).toEqual(Array.from(fromMatrix.maxSimilarity));
  });

  it("compares right singular vectors of the transpose the same way as left ones", () => {
    const W = plus(W0, outer(U0, V0, [[25, spread(U0, G1), spread(V0, G1)]]));
    const left = compare(W0, W);
    const right = compare(transpose(W0), transpose(W), { side: "right" });
    expect(right.intruders).toEqual(left.intruders);
    for (let j = 0; j < left.k; j++) expect(right.maxSimilarity[j]).toBeCloseTo(left.maxSimilarity[j], 10);
  });

  it("names both shapes when W0 and W differ, and rejects bad options", () => {
    expect(() => compare([[1, 2, 3]], [[1], [2], [3]])).toThrow(UsageError);
    expect(() => compare([[1, 2, 3]], [[1], [2], [3]])).toThrow(/1×3 but W is 3×1/);
    expect(() => compare(W0, W0, { epsilon: 2 })).toThrow(/epsilon=2/);
    expect(() => compare(W0, W0, { k: 0 })).toThrow(/k=0/);
  });
});

// Shuttleworth et al. (arXiv:2410.21228) Appendix A.2: adding λ·u vᵀ creates an intruder when
// u, v lie outside the top singular subspace and λ exceeds the top singular values, and not
// when the update lies along an existing singular direction. Each case has an exact count.
describe("Appendix A.2 mechanism: when an added rank-one update is an intruder", () => {
  it("adds exactly one intruder, at the top, when λ u vᵀ points away from W0's top subspace and λ > σ₁", () => {
    const c = compare(W0, plus(W0, outer(U0, V0, [[2 * s[0], spread(U0, G1), spread(V0, G1)]])));
    expect(c.intruders).toEqual([0]);
    expect(c.maxSimilarity[0]).toBeGreaterThan(0.3);
    expect(c.maxSimilarity[0]).toBeLessThan(0.4); // ≈ 1/√8
    expect(intruderCount(c, 0.3)).toBe(0); // a threshold below 1/√8 no longer calls it an intruder
  });

  it("adds no intruder when the same update lies along an existing top singular direction", () => {
    for (const i of [0, 3]) {
      const c = compare(W0, plus(W0, outer(U0, V0, [[2 * s[0], col(U0, i), col(V0, i)]])));
      expect(c.intruderCount).toBe(0);
      expect(c.bestMatch[0]).toBe(i); // the boosted direction is now first, and it is W0's own
    }
  });

  it("adds no intruder when λ is too small to reach the top k", () => {
    const c = compare(W0, plus(W0, outer(U0, V0, [[0.5, spread(U0, G1), spread(V0, G1)]])));
    expect(c.intruderCount).toBe(0);
  });

  it("adds exactly two intruders for two such updates on disjoint directions", () => {
    const update = outer(U0, V0, [[2 * s[0], spread(U0, G1), spread(V0, G1)], [1.5 * s[0], spread(U0, G2), spread(V0, G2)]]);
    expect(compare(W0, plus(W0, update)).intruders).toEqual([0, 1]);
  });
});

describe("spectra.scaleIntruders and spectra.compareLayers", () => {
  const W = plus(W0, outer(U0, V0, [[2 * s[0], spread(U0, G1), spread(V0, G1)]]));

  it("returns W unchanged at λ = 1 and scales only the intruder's singular value otherwise", () => {
    const same = scaleIntruders(W0, W, { lambda: 1 });
    for (let i = 0; i < W.data.length; i++) expect(same.data[i]).toBeCloseTo(W.data[i], 12);
    const before = svd(W).S;
    const after = svd(scaleIntruders(W0, W, { lambda: 0.25 })).S; // the intruder falls from σ ≈ 20 to ≈ 5
    expect(after[0]).toBeCloseTo(before[1], 8); // W0's σ₁ = 10 is now the largest
    expect(Array.from(after)).toContainEqual(expect.closeTo(0.25 * before[0], 8));
  });

  it("sums intruders over the layers of a model and names layers present in only one", () => {
    const c = compareLayers({ q: W0, v: W }, { q: W0, v: W });
    expect(c.layers.v.intruderCount).toBe(0);
    const d = compareLayers({ q: W0, v: W0 }, { q: W, v: W });
    expect(d.intruderCount).toBe(2);
    expect(() => compareLayers({ q: W0 }, { k: W0 })).toThrow(/q, k are in only one model/);
  });
});

describe("spectra.compare's top-k SVD of W", () => {
  it("gives the same comparison as full SVDs of both matrices", () => {
    // a 200 × 160 pair: decaying spectrum plus a rank-4 update of strengths 2σ₁ … 0.3σ₁
    const r = rng(11);
    const [m, n] = [200, 160];
    const A = randomOrthonormal(m, n, r), B = randomOrthonormal(n, n, r);
    const sv = Float64Array.from({ length: n }, (_, i) => (i + 1) ** -0.7);
    const W0 = outer(A, B, Array.from(sv, (si, i) => [si, col(A, i), col(B, i)] as [number, Float64Array, Float64Array]));
    const W = matrix(m, n, W0.data);
    for (const lambda of [2, 1.2, 0.6, 0.3]) {
      const u = r.normals(m), v = r.normals(n), nu = Math.hypot(...u), nv = Math.hypot(...v);
      for (let a = 0; a < m; a++) for (let b = 0; b < n; b++) W.data[a * n + b] += (lambda * u[a] * v[b]) / (nu * nv);
    }
    for (const side of ["left", "right"] as const) {
      const fast = compare(W0, W, { side });
      const full = _compare(svd(W0), svd(W), { k: 10, epsilon: 0.5, side });
      expect(fast.intruders).toEqual(full.intruders);
      expect(fast.intruderCount).toBeGreaterThan(0);
      expect(Array.from(fast.bestMatch)).toEqual(Array.from(full.bestMatch));
      for (let j = 0; j < 10; j++) expect(fast.maxSimilarity[j]).toBeCloseTo(full.maxSimilarity[j], 10);
      for (let i = 0; i < fast.similarity.data.length; i++) expect(fast.similarity.data[i]).toBeCloseTo(full.similarity.data[i], 10);
      for (let i = 0; i < n; i++) expect(fast.S[i]).toBeCloseTo(full.S[i], 12);
      expect(fast.effectiveRank.W).toBeCloseTo(full.effectiveRank.W, 10);
      expect(fast.stableRank.W).toBeCloseTo(full.stableRank.W, 10);
    }
  });
});
