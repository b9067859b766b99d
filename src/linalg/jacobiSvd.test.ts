import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { _completeRows, _jacobiRows } from "./jacobiSvd.js";

function orthRowsError(Q: Float64Array, rows: number, q: number): number {
  let worst = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < rows; j++) {
    let dot = 0;
    for (let c = 0; c < q; c++) dot += Q[i * q + c] * Q[j * q + c];
    worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
  }
  return worst;
}

describe("one-sided Jacobi SVD", () => {
  it("returns full orthogonal U and V, null space included", () => {
    const r = rng(1);
    const p = 6, q = 9;
    const Y = r.normals(p * q);
    const { s, U, Vt } = _jacobiRows(Y, p, q, true);
    expect(orthRowsError(Vt, q, q)).toBeLessThan(1e-14);
    const Ut = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) Ut[i * p + j] = U[j * p + i];
    expect(orthRowsError(Ut, p, p)).toBeLessThan(1e-14);
    for (let i = 0; i < p; i++) for (let c = 0; c < q; c++) {
      let y = 0;
      for (let k = 0; k < p; k++) y += U[i * p + k] * s[k] * Vt[k * q + c];
      expect(Math.abs(y - Y[i * q + c])).toBeLessThan(1e-14);
    }
    for (let i = 1; i < p; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
  });

  it("completes the vectors of zero rows", () => {
    const Y = new Float64Array([0, 0, 0, 3, 4, 0]); // 2 × 3, first row zero
    const { s, Vt } = _jacobiRows(Y, 2, 3, true);
    expect(Array.from(s)).toEqual([5, 0]);
    expect(orthRowsError(Vt, 3, 3)).toBeLessThan(1e-15);
  });

  it("completes any partial orthonormal set", () => {
    const Q = new Float64Array(16);
    Q.set([Math.SQRT1_2, Math.SQRT1_2, 0, 0], 4); // row 1 given
    const filled = new Uint8Array([0, 1, 0, 0]);
    _completeRows(Q, 4, 4, filled);
    expect(orthRowsError(Q, 4, 4)).toBeLessThan(1e-15);
    expect(Array.from(Q.subarray(4, 8))).toEqual([Math.SQRT1_2, Math.SQRT1_2, 0, 0]);
  });
});
