import { _toMatrix } from "./checks.js";
import type { Matrix, MatrixLike } from "./matrix.js";

/** Aᵀ as a new Matrix (n × m for A m × n). */
export function transpose(A: MatrixLike): Matrix {
  const X = _toMatrix(A, "transpose", "A");
  const { rows: m, cols: n, data } = X;
  const T = new Float64Array(m * n);
  // Blocks of 32×32 keep both the rows read and the rows written in cache.
  for (let i0 = 0; i0 < m; i0 += 32) {
    const i1 = Math.min(m, i0 + 32);
    for (let j0 = 0; j0 < n; j0 += 32) {
      const j1 = Math.min(n, j0 + 32);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) T[j * m + i] = data[i * n + j];
    }
  }
  return { rows: n, cols: m, data: T };
}
