import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { fromSvd, orthogonalityError, principalAngles, randomMatrix, randomOrthonormal, svd, type Matrix } from "./index.js";
import { _bidiagonalValues } from "./golubKahan.js";
import { _topSvd } from "./topSvd.js";

const eps = Number.EPSILON;

const firstCols = (M: Matrix, k: number): Matrix => ({ rows: M.rows, cols: k, data: Float64Array.from({ length: M.rows * k }, (_, q) => M.data[Math.floor(q / k) * M.cols + (q % k)]) });

/** Checks _topSvd(A, k) against the full svd(A): every value, each top vector, orthonormality, A v = σ u. */
function agrees(A: Matrix, k: number): void {
  const top = _topSvd(A, k), full = svd(A);
  const { rows: m, cols: n } = A;
  expect([top.U.rows, top.U.cols, top.S.length, top.V.rows, top.V.cols]).toEqual([m, k, Math.min(m, n), n, k]);
  // values: a backward-stable SVD's absolute error, a modest multiple of ε‖A‖
  for (let i = 0; i < full.S.length; i++) expect(Math.abs(top.S[i] - full.S[i])).toBeLessThan(100 * eps * full.S[0]);
  expect(orthogonalityError(top.U)).toBeLessThan(1e-12);
  expect(orthogonalityError(top.V)).toBeLessThan(1e-12);
  // each vector matches the full SVD's up to sign (the spectra below have distinct top values)
  for (let j = 0; j < k; j++) {
    let cu = 0, cv = 0;
    for (let i = 0; i < m; i++) cu += top.U.data[i * k + j] * full.U.data[i * full.U.cols + j];
    for (let i = 0; i < n; i++) cv += top.V.data[i * k + j] * full.V.data[i * full.V.cols + j];
    expect(1 - Math.abs(cu), `u_${j}`).toBeLessThan(1e-10);
    expect(1 - Math.abs(cv), `v_${j}`).toBeLessThan(1e-10);
    // residual ‖A v - σ u‖ relative to ‖A‖
    let res = 0;
    for (let i = 0; i < m; i++) {
      let av = 0;
      for (let c = 0; c < n; c++) av += A.data[i * n + c] * top.V.data[c * k + j];
      res += (av - top.S[j] * top.U.data[i * k + j]) ** 2;
    }
    expect(Math.sqrt(res)).toBeLessThan(1e-12 * full.S[0]);
  }
}

describe("_topSvd: all singular values, top k vectors", () => {
  it("agrees with the full svd on a square random matrix (the bidiagonal path)", () => agrees(randomMatrix(120, 120, rng(1)), 10));

  it("agrees on a tall matrix (QR first) and on a wide one (transposed)", () => {
    agrees(randomMatrix(300, 80, rng(2)), 10);
    agrees(randomMatrix(70, 160, rng(3)), 7);
  });

  it("agrees below divide and conquer's leaf size, where it is the full SVD", () => agrees(randomMatrix(40, 20, rng(4)), 5));

  it("agrees on a decaying spectrum with a rank-4 update, like spectra.compare's bench pair", () => {
    const n = 150, r = rng(5);
    const W = fromSvd({ U: randomOrthonormal(n, n, r), S: Array.from({ length: n }, (_, i) => (i + 1) ** -0.7), V: randomOrthonormal(n, n, r) });
    for (const lambda of [2, 1.2, 0.6, 0.3]) {
      const u = r.normals(n), v = r.normals(n);
      const nu = Math.hypot(...u), nv = Math.hypot(...v);
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) W.data[a * n + b] += (lambda * u[a] * v[b]) / (nu * nv);
    }
    agrees(W, 10);
  });

  it("gives orthonormal vectors spanning the right subspace for a repeated top value", () => {
    const n = 60, k = 6, r = rng(6);
    const S = Array.from({ length: n }, (_, i) => (i < 3 ? 5 : i < 5 ? 4 : 3 * 0.9 ** i)); // σ₁ = σ₂ = σ₃, σ₄ = σ₅
    const A = fromSvd({ U: randomOrthonormal(n, n, r), S, V: randomOrthonormal(n, n, r) });
    const top = _topSvd(A, k), full = svd(A);
    for (let i = 0; i < n; i++) expect(Math.abs(top.S[i] - full.S[i])).toBeLessThan(100 * eps * 5);
    expect(orthogonalityError(top.U)).toBeLessThan(1e-12);
    expect(orthogonalityError(top.V)).toBeLessThan(1e-12);
    expect(Math.max(...principalAngles(firstCols(top.U, 3), firstCols(full.U, 3)))).toBeLessThan(1e-10);
    expect(Math.max(...principalAngles(firstCols(top.U, 5), firstCols(full.U, 5)))).toBeLessThan(1e-10);
  });

  it("falls back to the full bidiagonal SVD when a top value is near zero (rank below k)", () => {
    const r = rng(7);
    const A = fromSvd({ U: randomOrthonormal(90, 3, r), S: [3, 2, 1], V: randomOrthonormal(70, 3, r) });
    const top = _topSvd(A, 8);
    expect(Array.from(top.S.subarray(0, 3))).toEqual([expect.closeTo(3, 12), expect.closeTo(2, 12), expect.closeTo(1, 12)]);
    for (let i = 3; i < 70; i++) expect(top.S[i]).toBeLessThan(1e-13);
    expect(orthogonalityError(top.U)).toBeLessThan(1e-12);
    expect(orthogonalityError(top.V)).toBeLessThan(1e-12);
  });

  it("finds the values of a bidiagonal whose tail is all ~ε‖B‖ (rank 3), where only an absolute test splits", () => {
    // The tail couplings are never small beside their own ~ε‖B‖ diagonal entries, so QL
    // converges there only by splitting at ε‖T‖ (these inputs failed to converge before).
    for (const seed of [0, 3, 5]) {
      const r = rng(seed), n = 70;
      const d = new Float64Array(n), e = new Float64Array(n - 1);
      d.set([-0.574, 0.369, -0.523]);
      e.set([-2.91, 1.93, -1.05]);
      for (let i = 3; i < n; i++) d[i] = 1e-15 * r.normal();
      for (let i = 3; i < n - 1; i++) e[i] = 1e-15 * r.normal();
      const exact = svd({ rows: n, cols: n, data: Float64Array.from({ length: n * n }, (_, q) => (q % (n + 1) === 0 ? d[q / (n + 1)] : q % (n + 1) === 1 && q < n * (n - 1) ? e[(q - 1) / (n + 1)] : 0)) }).S;
      const s = _bidiagonalValues(d, e, n);
      for (let i = 0; i < n; i++) expect(Math.abs(s[i] - exact[i])).toBeLessThan(100 * eps * exact[0]);
      for (let i = 3; i < n; i++) expect(s[i]).toBeLessThan(1e-13);
    }
  });

  it("keeps the values' accuracy for tiny and huge scales", () => {
    for (const c of [1e-200, 1e200]) {
      const d = Float64Array.from([3, 2, 1, 0.5].map((x) => x * c)), e = Float64Array.from([1, 1, 1].map((x) => x * c));
      const exact = svd({ rows: 4, cols: 4, data: Float64Array.from([d[0], e[0], 0, 0, 0, d[1], e[1], 0, 0, 0, d[2], e[2], 0, 0, 0, d[3]]) }).S;
      const s = _bidiagonalValues(d, e, 4);
      for (let i = 0; i < 4; i++) expect(Math.abs(s[i] - exact[i]) / exact[0]).toBeLessThan(100 * eps);
    }
  });
});
