import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { UsageError } from "../../compute/usageError.js";
import { matmul, matmulABt, matrix, randomOrthonormal, type Matrix } from "../../linalg/index.js";
import { attend, depthwiseConv, gridFor, linearAttention, ralaAttention, randomHeadWeights, rankProfile, rope2d, softmaxAttention } from "./attention.js";

const gauss = (rows: number, cols: number, seed: number): Matrix => matrix(rows, cols, rng(seed).normals(rows * cols));
const maxAbsDiff = (A: Matrix, B: Matrix) => Math.max(...A.data.map((x, i) => Math.abs(x - B.data[i])));

/** U diag(s) Vᵀ with orthonormal U [m, k], V [n, k]: a matrix whose singular values are exactly s. */
function withSpectrum(m: number, n: number, s: number[], seed: number): Matrix {
  const r = rng(seed);
  const U = randomOrthonormal(m, s.length, r), V = randomOrthonormal(n, s.length, r);
  for (let i = 0; i < m; i++) for (let t = 0; t < s.length; t++) U.data[i * s.length + t] *= s[t];
  return matmulABt(U, V);
}

describe("rankProfile", () => {
  it("counts singular values above NumPy's default tolerance", () => {
    const A = withSpectrum(40, 12, [3, 2, 1, 1e-20], 1);
    const p = rankProfile(A);
    expect(p.numericalRank).toBe(3);
    expect(p.spectrum[0]).toBeCloseTo(3, 12);
    expect(p.tol).toBeCloseTo(40 * 2 ** -52 * 3, 25);
  });

  it("counts against rtol·σ₁ when rtol is given", () => {
    const A = withSpectrum(30, 10, [1, 0.1, 0.01, 0.001], 2);
    expect(rankProfile(A, 0.05).numericalRank).toBe(2);
    expect(rankProfile(A, 0.005).numericalRank).toBe(3);
  });

  it("gives effective rank k for k equal singular values and less for a decaying spectrum", () => {
    expect(rankProfile(withSpectrum(20, 8, [2, 2, 2, 2, 2], 3)).effectiveRank).toBeCloseTo(5, 10);
    const decaying = rankProfile(withSpectrum(20, 8, [4, 2, 1, 0.5, 0.25], 3)).effectiveRank;
    expect(decaying).toBeGreaterThan(1);
    expect(decaying).toBeLessThan(5);
  });

  it("rejects an rtol outside [0, 1)", () => {
    expect(() => rankProfile(gauss(3, 3, 1), 2)).toThrow(UsageError);
  });
});

describe("softmaxAttention", () => {
  it("averages the values when every key is the same", () => {
    const K = matrix(6, 3, new Array(18).fill(0.7));
    const V = gauss(6, 4, 5);
    const out = softmaxAttention(gauss(6, 3, 4), K, V).out;
    for (let c = 0; c < 4; c++) {
      const mean = [0, 1, 2, 3, 4, 5].reduce((a, j) => a + V.data[j * 4 + c], 0) / 6;
      for (let i = 0; i < 6; i++) expect(out.data[i * 4 + c]).toBeCloseTo(mean, 14);
    }
    expect(rankProfile(out).numericalRank).toBe(1);
  });

  it("passes the values through when each query matches only its own key", () => {
    // Orthonormal rows scaled by 10: logits are 100/√d on the diagonal and 0 elsewhere.
    const Q = matrix(8, 8, rng(6).normals(64));
    const E = randomOrthonormal(8, 8, rng(6));
    for (let i = 0; i < 64; i++) Q.data[i] = 10 * E.data[i];
    const V = gauss(8, 5, 7);
    const { out } = softmaxAttention(Q, Q, V, 1);
    expect(maxAbsDiff(out, V)).toBeLessThan(1e-12);
    expect(rankProfile(out).numericalRank).toBe(5);
  });

  it("reaches full rank min(N, dv) on random tokens with N > d", () => {
    const out = softmaxAttention(gauss(40, 4, 8), gauss(40, 4, 9), gauss(40, 16, 10)).out;
    expect(rankProfile(out).numericalRank).toBe(16);
  });
});

describe("linearAttention", () => {
  it("has output rank exactly d when d < dv < N", () => {
    const { out, kv } = linearAttention(gauss(50, 3, 11), gauss(50, 3, 12), gauss(50, 10, 13));
    expect(rankProfile(out).numericalRank).toBe(3);
    expect(rankProfile(kv!).numericalRank).toBe(3);
    expect([kv!.rows, kv!.cols]).toEqual([3, 10]);
  });

  it("matches the explicit N × N form φ(Q)φ(K)ᵀ V with rows normalised", () => {
    const Q = gauss(9, 3, 14), K = gauss(9, 3, 15), V = gauss(9, 2, 16);
    const phi = (x: number) => (x > 0 ? x + 1 : Math.exp(x));
    const Fq = matrix(9, 3, Q.data.map(phi)), Fk = matrix(9, 3, K.data.map(phi));
    const A = matmulABt(Fq, Fk);
    for (let i = 0; i < 9; i++) {
      const s = A.data.subarray(i * 9, i * 9 + 9).reduce((a, b) => a + b, 0);
      for (let j = 0; j < 9; j++) A.data[i * 9 + j] /= s;
    }
    expect(maxAbsDiff(linearAttention(Q, K, V).out, matmul(A, V))).toBeLessThan(1e-13);
  });

  it("names both shapes when Q and K disagree on d", () => {
    expect(() => linearAttention(gauss(5, 3, 1), gauss(5, 4, 2), gauss(5, 2, 3))).toThrow(/Q is \[5, 3\] but K is \[5, 4\]/);
  });
});

describe("depthwiseConv (RALA's LePE)", () => {
  it("is the identity for a centred delta kernel and a shift for an off-centre one", () => {
    const V = gauss(12, 2, 17), grid = { h: 3, w: 4 };
    const delta = matrix(25, 2);
    delta.data[12 * 2] = delta.data[12 * 2 + 1] = 1; // tap (2, 2) of 5 × 5
    expect(maxAbsDiff(depthwiseConv(V, grid, delta), V)).toBe(0);
    const right = matrix(25, 2);
    right.data[13 * 2] = right.data[13 * 2 + 1] = 1; // tap (2, 3): reads the token to the right
    const out = depthwiseConv(V, grid, right);
    expect(out.data[0]).toBe(V.data[2]); // token (0, 0) reads (0, 1)
    expect(out.data[3 * 2]).toBe(0); // token (0, 3) reads outside the grid
  });

  it("matches the convolution's definition, token by token, on grids with a partly filled last row", () => {
    // dv odd runs the JavaScript loop only; even, the WebAssembly one too (useWasm = true).
    for (const [N, size, dv] of [[23, 5, 3], [30, 3, 4], [7, 5, 2], [36, 7, 4], [1024, 5, 64]]) {
      const grid = gridFor(N), r = (size - 1) / 2;
      const V = gauss(N, dv, N), kernel = gauss(size * size, dv, N + 1);
      const expected = matrix(N, dv);
      for (let t = 0; t < N; t++) {
        const y = Math.floor(t / grid.w), x = t % grid.w;
        for (let ty = 0; ty < size; ty++) {
          for (let tx = 0; tx < size; tx++) {
            const yy = y + ty - r, xx = x + tx - r, src = yy * grid.w + xx;
            if (yy < 0 || yy >= grid.h || xx < 0 || xx >= grid.w || src >= N) continue; // zero padding
            for (let c = 0; c < dv; c++) expected.data[t * dv + c] += kernel.data[(ty * size + tx) * dv + c] * V.data[src * dv + c];
          }
        }
      }
      for (const useWasm of [true, false]) expect(maxAbsDiff(depthwiseConv(V, grid, kernel, useWasm), expected), `N=${N} size=${size} dv=${dv} wasm=${useWasm}`).toBe(0);
    }
  });
});

describe("ralaAttention", () => {
  it("reduces to linear attention's KV buffer when all keys are equal (α uniform), with and without RoPE", () => {
    const Q = gauss(16, 4, 18), K = matrix(16, 4, new Array(64).fill(0.3)), V = gauss(16, 6, 19), grid = gridFor(16);
    const plain = ralaAttention(Q, K, V, gauss(16, 6, 20), gauss(25, 6, 21), grid, false);
    for (const a of plain.alpha!) expect(a).toBeCloseTo(1 / 16, 14);
    expect(maxAbsDiff(plain.kv!, linearAttention(Q, K, V).kv!)).toBeLessThan(1e-12);
    expect(maxAbsDiff(plain.kvAugmented!, linearAttention(Q, K, V).out)).toBeLessThan(1e-12);
    const rotated = ralaAttention(Q, K, V, gauss(16, 6, 20), gauss(25, 6, 21), grid);
    expect(maxAbsDiff(rotated.kv!, linearAttention(Q, K, V, grid).kv!)).toBeLessThan(1e-12);
    expect(maxAbsDiff(rotated.kvAugmented!, linearAttention(Q, K, V, grid).out)).toBeLessThan(1e-12);
    // The KV buffer is built from rotated keys: equal keys at different positions no longer give a rank-1 buffer.
    expect(rankProfile(plain.kv!).numericalRank).toBe(1);
    expect(rankProfile(rotated.kv!).numericalRank).toBeGreaterThan(1);
  });

  it("raises the output rank above d through LePE and the gate", () => {
    const W = randomHeadWeights(32, 4, 32, rng(22));
    const X = gauss(64, 32, 23);
    expect(rankProfile(attend("linear", X, W).out).numericalRank).toBe(4);
    expect(rankProfile(attend("rala", X, W).out).numericalRank).toBe(32);
    expect(rankProfile(attend("rala", X, W).kvAugmented!).numericalRank).toBe(4);
  });

  it("keeps linear attention's output rank at most d with RoPE on φ(q) and φ(k)", () => {
    const W = randomHeadWeights(32, 4, 32, rng(22));
    const X = gauss(64, 32, 23);
    expect(rankProfile(attend("linear", X, W, undefined, "all").out).numericalRank).toBe(4);
    expect(rankProfile(attend("rala", X, W, undefined, "none").out).numericalRank).toBe(32);
  });

  it("lays N tokens on the smallest near-square grid", () => {
    expect(gridFor(10)).toEqual({ h: 3, w: 4 });
    expect(gridFor(49)).toEqual({ h: 7, w: 7 });
  });
});

describe("rope2d (RALA's 2-D rotary position embedding)", () => {
  const grid = { h: 4, w: 5 };

  it("rotates each token's channel pairs, so row norms are kept and the first token (position 0, 0) is unchanged", () => {
    const X = gauss(20, 8, 30), R = rope2d(X, grid);
    for (let t = 0; t < 20; t++) {
      const norm = (M: Matrix) => Math.hypot(...M.data.subarray(t * 8, t * 8 + 8));
      expect(norm(R)).toBeCloseTo(norm(X), 12);
    }
    for (let c = 0; c < 8; c++) expect(R.data[c]).toBe(X.data[c]);
  });

  it("makes q·k depend only on the offset between the two tokens on the grid", () => {
    // The same q at every token and the same k at every token: rot(q at a)·rot(k at b) depends on b − a only.
    const q = rng(31).normals(8), k = rng(32).normals(8);
    const Q = rope2d(matrix(20, 8, Array.from({ length: 160 }, (_, i) => q[i % 8])), grid);
    const K = rope2d(matrix(20, 8, Array.from({ length: 160 }, (_, i) => k[i % 8])), grid);
    const dot = (a: number, b: number) => { let s = 0; for (let c = 0; c < 8; c++) s += Q.data[a * 8 + c] * K.data[b * 8 + c]; return s; };
    const at = (y: number, x: number) => y * grid.w + x;
    expect(dot(at(0, 0), at(1, 2))).toBeCloseTo(dot(at(2, 1), at(3, 3)), 12);
    expect(dot(at(1, 1), at(1, 4))).toBeCloseTo(dot(at(3, 0), at(3, 3)), 12);
    expect(Math.abs(dot(at(0, 0), at(1, 2)) - dot(at(0, 0), at(2, 1)))).toBeGreaterThan(1e-6);
  });

  it("turns the first half by the row and the second half by the column, θ₀ = 1", () => {
    const X = matrix(20, 4, new Array(80).fill(0).map((_, i) => (i % 2 === 0 ? 1 : 0))); // (1, 0) pairs
    const R = rope2d(X, grid);
    const t = 1 * grid.w + 3; // y = 1, x = 3
    expect(R.data[t * 4]).toBeCloseTo(Math.cos(1), 14);
    expect(R.data[t * 4 + 1]).toBeCloseTo(Math.sin(1), 14);
    expect(R.data[t * 4 + 2]).toBeCloseTo(Math.cos(3), 14);
    expect(R.data[t * 4 + 3]).toBeCloseTo(Math.sin(3), 14);
  });

  it("refuses a head dim that is not a multiple of 4, naming it", () => {
    expect(() => rope2d(gauss(20, 6, 33), grid)).toThrow(/multiple of 4.*d = 6/);
  });
});
