import { describe, expect, it } from "vitest";
import { rng } from "../../compute/rng.js";
import { _rowDots } from "../../linalg/rowDots.js";
import { fwht } from "./fwht.js";
import { _denseRows, denseProjection, fastfoodProjection, projection, sparseProjection, type Projection } from "./projection.js";

/** The Walsh–Hadamard matrix H_L, entries (−1)^popcount(i & j). */
function hadamard(L: number): Float64Array {
  const H = new Float64Array(L * L);
  for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) {
    let p = i & j, c = 0;
    while (p) { c ^= p & 1; p >>= 1; }
    H[i * L + j] = c ? -1 : 1;
  }
  return H;
}

/** The D×d matrix a projection stands for, column by column from P·e_j. */
function materialise(P: Projection): Float64Array[] {
  const cols: Float64Array[] = [];
  const e = new Float32Array(P.d);
  const out = new Float32Array(P.D);
  for (let j = 0; j < P.d; j++) {
    e.fill(0);
    e[j] = 1;
    P.apply(e, out);
    cols.push(Float64Array.from(out));
  }
  return cols;
}

const norm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));

describe("fast Walsh–Hadamard transform", () => {
  it("equals multiplication by the Hadamard matrix, for odd and even log₂ L", () => {
    for (const L of [2, 8, 16, 32]) {
      const H = hadamard(L);
      const x = Float64Array.from(rng(L).normals(L));
      const y = x.slice();
      fwht(y);
      for (let i = 0; i < L; i++) {
        let s = 0;
        for (let j = 0; j < L; j++) s += H[i * L + j] * x[j];
        expect(y[i]).toBeCloseTo(s, 10);
      }
    }
  });

  it("applied twice multiplies by L", () => {
    const x = Float64Array.from(rng(1).normals(1024));
    const y = x.slice();
    fwht(y);
    fwht(y);
    for (let i = 0; i < x.length; i++) expect(y[i]).toBeCloseTo(1024 * x[i], 8);
  });

  it("rejects a length that is not a power of 2", () => {
    expect(() => fwht(new Float64Array(12))).toThrow(/power of 2/);
  });
});

describe("Fastfood projection (Li et al. 2018, §S6)", () => {
  it("matches the dense matrix scale·(H G Π H B)[:D, :d] it stands for, on small D", () => {
    const [D, d] = [13, 5];
    const P = fastfoodProjection(D, d, rng(3));
    const { L, B, Pi, G, scale } = P.factors;
    expect(L).toBe(16);
    const H = hadamard(L);
    const cols = materialise(P);
    for (let j = 0; j < d; j++) {
      // column j: H G Π H (B e_j) = B_j · H G Π h_j, with h_j the j-th column of H
      const u = new Float64Array(L);
      for (let i = 0; i < L; i++) u[i] = G[i] * B[j] * H[Pi[i] * L + j];
      for (let r = 0; r < D; r++) {
        let s = 0;
        for (let i = 0; i < L; i++) s += H[r * L + i] * u[i];
        expect(cols[j][r]).toBeCloseTo(scale * s, 5);
      }
    }
  });

  it("has columns of exactly unit length when D is a power of 2, and of unit length on average otherwise", () => {
    for (const c of materialise(fastfoodProjection(256, 20, rng(4)))) expect(norm(c)).toBeCloseTo(1, 5);
    const n2 = materialise(fastfoodProjection(3000, 40, rng(5))).map((c) => norm(c) ** 2);
    const mean = n2.reduce((s, x) => s + x, 0) / n2.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.05);
    for (const x of n2) expect(Math.abs(x - 1)).toBeLessThan(0.25);
  });
});

describe("every projection", () => {
  for (const kind of ["dense", "sparse", "fastfood"] as const) {
    it(`${kind}: applyT is the transpose of apply`, () => {
      const [D, d] = [700, 30];
      const P = projection(kind, D, d, rng(6));
      const r = rng(7);
      const v = Float32Array.from(r.normals(d));
      const g = Float32Array.from(r.normals(D));
      const Pv = new Float32Array(D);
      const PTg = new Float32Array(d);
      P.apply(v, Pv);
      P.applyT(g, PTg);
      const lhs = Pv.reduce((s, x, i) => s + x * g[i], 0);
      const rhs = PTg.reduce((s, x, i) => s + x * v[i], 0);
      expect(lhs).toBeCloseTo(rhs, 3);
    });
  }

  it("dense and sparse have columns of exactly unit length", () => {
    for (const P of [denseProjection(500, 10, rng(8)), sparseProjection(5000, 10, rng(9))]) {
      for (const c of materialise(P)) expect(norm(c)).toBeCloseTo(1, 5);
    }
  });

  it("sparse keeps about √D nonzeros per column", () => {
    const D = 10000;
    const nnz = materialise(sparseProjection(D, 20, rng(10))).map((c) => c.filter((x) => x !== 0).length);
    const mean = nnz.reduce((s, x) => s + x, 0) / nnz.length;
    expect(mean).toBeGreaterThan(0.8 * Math.sqrt(D));
    expect(mean).toBeLessThan(1.2 * Math.sqrt(D));
  });

  it("is the same for the same seed", () => {
    const a = materialise(fastfoodProjection(100, 4, rng(11)));
    const b = materialise(fastfoodProjection(100, 4, rng(11)));
    expect(a).toEqual(b);
  });
});

describe("the dense projection's products", () => {
  // The WebAssembly kernels promise the JavaScript loops' bits: float32 entries widened to
  // float64, the same sums in the same order, rounded to float32 where JavaScript stores them.
  // Odd D (a last row outside the kernel's pairs), d below, at and past the eight-column groups.
  for (const [D, d] of [[1001, 1], [1001, 7], [1000, 8], [999, 13], [640, 17], [2048, 100]]) {
    it(`gives P·v and Pᵀ·g to the bit as float64 sums rounded to float32 (D=${D}, d=${d})`, () => {
      const r = rng(D + d);
      const P = denseProjection(D, d, r);
      const M = P.matrix;
      const v = Float32Array.from(r.normals(d)), g = Float32Array.from(r.normals(D));
      const want = new Float32Array(D);
      for (let i = 0; i < D; i++) {
        let o = 0, j = 0;
        for (; j + 4 <= d; j += 4) o = Math.fround(o + (((v[j] * M[j * D + i] + v[j + 1] * M[(j + 1) * D + i]) + v[j + 2] * M[(j + 2) * D + i]) + v[j + 3] * M[(j + 3) * D + i]));
        for (; j < d; j++) o = Math.fround(o + v[j] * M[j * D + i]);
        want[i] = o;
      }
      const wantT = new Float32Array(d);
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let i = 0; i < D; i++) s += g[i] * M[j * D + i];
        wantT[j] = s;
      }
      const out = new Float32Array(D).fill(7), outT = new Float32Array(d).fill(7); // stale values must not leak in
      P.apply(v, out);
      P.applyT(g, outT);
      expect(Buffer.compare(Buffer.from(out.buffer), Buffer.from(want.buffer))).toBe(0);
      expect(Buffer.compare(Buffer.from(outT.buffer), Buffer.from(wantT.buffer))).toBe(0);
      // the JavaScript loops (the fallback without WebAssembly SIMD) give the same bits
      const js = new Float32Array(D), jsT = new Float32Array(d);
      _denseRows(M, D, d, v, js, 0, D);
      _rowDots(M, d, D, g, jsT); // Pᵀ·g as the fallback computes it
      expect(Buffer.compare(Buffer.from(js.buffer), Buffer.from(want.buffer))).toBe(0);
      expect(Buffer.compare(Buffer.from(jsT.buffer), Buffer.from(wantT.buffer))).toBe(0);
    });
  }
});
