import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { _bidiagonalSvd, _bidiagonalSvdResident, LEAF } from "./bidiagonalSvd.js";
import { orthogonalityError } from "./orthogonalityError.js";
import { _heapRelease, _heapView } from "./wasm/kernels.js";

/** max |B - U diag(s) Vᵀ| / max(|d|, |e|), B built from d and e. */
function residual(d: number[], e: number[], s: Float64Array, U: Float64Array, V: Float64Array): number {
  const n = d.length;
  let worst = 0, scale = 0;
  for (const x of [...d, ...e]) scale = Math.max(scale, Math.abs(x));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let b = 0;
    for (let k = 0; k < n; k++) b += U[i * n + k] * s[k] * V[j * n + k];
    const exact = j === i ? d[i] : j === i + 1 ? e[i] : 0;
    worst = Math.max(worst, Math.abs(b - exact));
  }
  return worst / (scale || 1);
}

function expectExact(d: number[], e: number[]): Float64Array {
  const n = d.length;
  const { s, U, V } = _bidiagonalSvd(Float64Array.from(d), Float64Array.from(e), n);
  for (let i = 1; i < n; i++) expect(s[i]).toBeGreaterThanOrEqual(s[i - 1]);
  expect(s[0]).toBeGreaterThanOrEqual(0);
  expect(orthogonalityError({ rows: n, cols: n, data: U })).toBeLessThan(1e-12);
  expect(orthogonalityError({ rows: n, cols: n, data: V })).toBeLessThan(1e-12);
  expect(residual(d, e, s, U, V)).toBeLessThan(1e-13);
  return s;
}

const n = 4 * LEAF + 3; // three levels of merges above the leaves
const range = (k: number, f: (i: number) => number) => Array.from({ length: k }, (_, i) => f(i));

describe("divide-and-conquer bidiagonal SVD", () => {
  it("is exact to rounding on random entries of both signs", () => {
    const r = rng(1);
    expectExact(range(n, () => r.normal()), range(n - 1, () => r.normal()));
  });

  it("handles zeros on the diagonal, which give zero singular values", () => {
    const r = rng(2);
    const d = range(n, (i) => (i % 7 === 3 ? 0 : r.normal()));
    const s = expectExact(d, range(n - 1, () => r.normal()));
    expect(s[0]).toBeLessThan(1e-14);
  });

  it("handles an all-zero bidiagonal and an identity", () => {
    expect(Array.from(expectExact(range(n, () => 0), range(n - 1, () => 0)))).toEqual(range(n, () => 0));
    expectExact(range(n, () => 1), range(n - 1, () => 0));
  });

  it("deflates tiny off-diagonal entries and tight clusters", () => {
    const r = rng(3);
    expectExact(range(n, () => 1 + 1e-15 * r.normal()), range(n - 1, () => 1e-16 * r.normal()));
    expectExact(range(n, (i) => 1 + (i % 3) * 1e-13), range(n - 1, () => 1e-9));
  });

  it("keeps orthogonality on a graded matrix spanning 1 to 1e-200", () => {
    const d = range(n, (i) => 10 ** (-200 * i / (n - 1)));
    expectExact(d, d.slice(1).map((x) => x / 3));
  });

  it("is exact on the Wilkinson-like constant bidiagonal, whose singular values cluster at 2", () => {
    expectExact(range(n, () => 1), range(n - 1, () => 1));
  });

  it("gives the same bits with its vectors in the kernels' memory (as svd runs it)", () => {
    const r = rng(4), m = 300; // merges large enough for the WebAssembly products
    const d = Float64Array.from(range(m, () => r.normal())), e = Float64Array.from(range(m - 1, () => r.normal()));
    const plain = _bidiagonalSvd(d, e, m);
    const res = _bidiagonalSvdResident(d, e, m, 0);
    if (res === null) return; // no WebAssembly here: svd takes the plain path
    const H = _heapView();
    expect(Array.from(res.s)).toEqual(Array.from(plain.s));
    expect(Array.from(H.subarray(res.u, res.u + m * m))).toEqual(Array.from(plain.U));
    expect(Array.from(H.subarray(res.v, res.v + m * m))).toEqual(Array.from(plain.V));
    _heapRelease(res.base);
  });
});
