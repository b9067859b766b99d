/** The typed arrays `_rowDots` reads and writes: float64, or float32 widened as it is read. */
type Numbers = Float64Array | Float32Array;

/**
 * out[r] = Σ_{c < len} M[r·len + c] · x[c] for r < rows: M·x for a row-major rows × len M (or
 * Pᵀ·x for a column-major P). Four rows at a time, each its own float64 sum over c in order, so
 * the loads of x are shared and four sums run side by side, with the bits of one dot product per
 * row; a float32 `out` rounds each sum once, as it is stored.
 */
export function _rowDots(M: Numbers, rows: number, len: number, x: Numbers, out: Numbers): void {
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const m0 = r * len, m1 = m0 + len, m2 = m1 + len, m3 = m2 + len;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let c = 0; c < len; c++) {
      const y = x[c];
      s0 += M[m0 + c] * y;
      s1 += M[m1 + c] * y;
      s2 += M[m2 + c] * y;
      s3 += M[m3 + c] * y;
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < rows; r++) {
    let s = 0;
    for (let c = 0, m = r * len; c < len; c++) s += M[m + c] * x[c];
    out[r] = s;
  }
}
