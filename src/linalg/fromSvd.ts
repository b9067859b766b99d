import { UsageError } from "../compute/usageError.js";
import { _toMatrix } from "./checks.js";
import { _gemm } from "./gemm.js";
import type { Matrix, MatrixLike } from "./matrix.js";

/**
 * U diag(S) Vᵀ for U (m × k), S (k) and V (n × k): the inverse of `svd`, and the way to build a
 * test matrix with a known spectrum.
 */
export function fromSvd(parts: { U: MatrixLike; S: ArrayLike<number>; V: MatrixLike }): Matrix {
  const U = _toMatrix(parts.U, "fromSvd", "U"), V = _toMatrix(parts.V, "fromSvd", "V");
  const k = parts.S.length;
  if (U.cols !== k || V.cols !== k) {
    throw new UsageError(`fromSvd: U is [${U.rows}, ${U.cols}], S has ${k} values and V is [${V.rows}, ${V.cols}]; U and V need one column per value`);
  }
  const m = U.rows, n = V.rows;
  const US = new Float64Array(m * k); // [m, k]
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) US[i * k + j] = U.data[i * k + j] * parts.S[j];
  const Vt = new Float64Array(k * n); // [k, n]
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) Vt[j * n + i] = V.data[i * k + j];
  const out = new Float64Array(m * n);
  _gemm(m, n, k, 1, US, 0, k, 1, Vt, 0, n, out, 0, n);
  return { rows: m, cols: n, data: out };
}
