import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { appendRows, carried, conditionEstimate, sequentialQR, solveR, solveRt } from "./sequentialQR.js";

const random = (rows: number, cols: number, seed: number) => rng(seed).normals(rows * cols);

function matmulT(A: Float64Array, m: number, n: number): Float64Array {
  // AᵀA, n × n
  const G = new Float64Array(n * n);
  for (let i = 0; i < m; i++) for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) G[a * n + b] += A[i * n + a] * A[i * n + b];
  return G;
}

/** Solves the small SPD system G x = b by Gaussian elimination (reference only). */
function solveDense(G: Float64Array, b: Float64Array, n: number): Float64Array {
  const M = G.slice(), x = b.slice();
  for (let c = 0; c < n; c++) {
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / M[c * n + c];
      for (let j = c; j < n; j++) M[r * n + j] -= f * M[c * n + j];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    for (let j = r + 1; j < n; j++) x[r] -= M[r * n + j] * x[j];
    x[r] /= M[r * n + r];
  }
  return x;
}

function factor(A: Float64Array, y: Float64Array, m: number, n: number, block: number, ridge = 0) {
  const qr = sequentialQR(n, 1, ridge);
  for (let i0 = 0; i0 < m; i0 += block) {
    const i1 = Math.min(m, i0 + block);
    const B = new Float64Array((i1 - i0) * (n + 1));
    for (let i = i0; i < i1; i++) {
      B.set(A.subarray(i * n, (i + 1) * n), (i - i0) * (n + 1));
      B[(i - i0) * (n + 1) + n] = y[i];
    }
    appendRows(qr, B, i1 - i0);
  }
  return qr;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

describe("sequentialQR", () => {
  it("gives RᵀR = AᵀA whatever the block size the rows arrive in, across several column panels", () => {
    const m = 300, n = 150; // two blocks of 128 reflectors, each of several panels
    const A = random(m, n, 1), y = random(m, 1, 2);
    const G = matmulT(A, m, n);
    for (const block of [7, 300]) {
      const qr = factor(A, y, m, n, block);
      const R = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) R[i * n + j] = qr.W[i * (n + 1) + j];
      expect(maxAbsDiff(matmulT(R, n, n), G)).toBeLessThan(1e-12 * m);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(qr.W[i * (n + 1) + j]).toBe(0);
    }
  });

  it("solves least squares as the normal equations do on a well-conditioned problem, and reports its residual", () => {
    const m = 120, n = 40;
    const A = random(m, n, 3), y = random(m, 1, 4);
    const qr = factor(A, y, m, n, 50);
    const x = solveR(qr, n, carried(qr, n), 1);
    const Aty = new Float64Array(n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Aty[j] += A[i * n + j] * y[i];
    expect(maxAbsDiff(x, solveDense(matmulT(A, m, n), Aty, n))).toBeLessThan(1e-12);
    let res = 0;
    for (let i = 0; i < m; i++) {
      let s = -y[i];
      for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
      res += s * s;
    }
    expect(qr.residual2[0]).toBeCloseTo(res, 10);
  });

  it("solves each prefix of columns from the one factorisation (the nested model-wise path)", () => {
    const m = 30, n = 12;
    const A = random(m, n, 5), y = random(m, 1, 6);
    const qr = factor(A, y, m, n, 30);
    for (const p of [3, 7, 12]) {
      const Ap = new Float64Array(m * p);
      for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) Ap[i * p + j] = A[i * n + j];
      const sub = factor(Ap, y, m, p, 30);
      expect(maxAbsDiff(solveR(qr, p, carried(qr, p, 0, 1), 1), solveR(sub, p, carried(sub, p), 1))).toBeLessThan(1e-12);
    }
  });

  it("adds ridge through its starting rows √λ·I: (AᵀA + λI)x = Aᵀy", () => {
    const m = 6, n = 10, lambda = 0.3; // under-determined: only the ridge makes it well posed
    const A = random(m, n, 7), y = random(m, 1, 8);
    const qr = factor(A, y, m, n, 4, lambda);
    const G = matmulT(A, m, n);
    for (let j = 0; j < n; j++) G[j * n + j] += lambda;
    const Aty = new Float64Array(n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Aty[j] += A[i * n + j] * y[i];
    expect(maxAbsDiff(solveR(qr, n, carried(qr, n), 1), solveDense(G, Aty, n))).toBeLessThan(1e-12);
  });

  it("inverts Rᵀ by forward substitution", () => {
    const m = 20, n = 6;
    const qr = factor(random(m, n, 9), random(m, 1, 10), m, n, 20);
    const b = random(n, 2, 11);
    const x = solveRt(qr, n, b.slice(), 2);
    // Rᵀx should give back b.
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 2; c++) {
        let s = 0;
        for (let j = 0; j <= i; j++) s += qr.W[j * (n + 1) + i] * x[j * 2 + c];
        expect(s).toBeCloseTo(b[i * 2 + c], 12);
      }
    }
  });

  it("estimates the condition number from R alone, from below, to about six digits when the spectrum has gaps", () => {
    const n = 20, m = 30;
    // A = H diag(s), H a Householder reflector (orthogonal): its singular values are exactly s.
    const s = Array.from({ length: n }, (_, i) => 10 ** (-6 * i / (n - 1)));
    const v = random(m, 1, 12);
    const vv = v.reduce((a, x) => a + x * x, 0);
    const A = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) A[i * n + j] = ((i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv) * s[j];
    const qr = factor(A, new Float64Array(m), m, n, 8);
    const kappa = conditionEstimate(qr, n);
    expect(kappa).toBeLessThanOrEqual(1e6 * (1 + 1e-9));
    expect(kappa / 1e6).toBeGreaterThan(1 - 1e-6);
  });
});
