import { UsageError } from "../compute/usageError.js";
import { _toMatrix } from "./checks.js";
import { _gemm } from "./gemm.js";
import type { Matrix, MatrixLike } from "./matrix.js";

/** A B for A (m × k) and B (k × n): an m × n Matrix. */
export function matmul(A: MatrixLike, B: MatrixLike): Matrix {
  const X = _toMatrix(A, "matmul", "A"), Y = _toMatrix(B, "matmul", "B");
  if (X.cols !== Y.rows) throw new UsageError(`matmul: A is [${X.rows}, ${X.cols}] but B is [${Y.rows}, ${Y.cols}]; A's columns must equal B's rows`);
  const C = new Float64Array(X.rows * Y.cols);
  _gemm(X.rows, Y.cols, X.cols, 1, X.data, 0, X.cols, 1, Y.data, 0, Y.cols, C, 0, Y.cols);
  return { rows: X.rows, cols: Y.cols, data: C };
}

/** Aᵀ B for A (k × m) and B (k × n), without forming Aᵀ: an m × n Matrix (e.g. a Gram matrix AᵀA). */
export function matmulAtB(A: MatrixLike, B: MatrixLike): Matrix {
  const X = _toMatrix(A, "matmulAtB", "A"), Y = _toMatrix(B, "matmulAtB", "B");
  if (X.rows !== Y.rows) throw new UsageError(`matmulAtB: A is [${X.rows}, ${X.cols}] but B is [${Y.rows}, ${Y.cols}]; A and B must have the same number of rows`);
  const C = new Float64Array(X.cols * Y.cols);
  _gemm(X.cols, Y.cols, X.rows, 1, X.data, 0, 1, X.cols, Y.data, 0, Y.cols, C, 0, Y.cols);
  return { rows: X.cols, cols: Y.cols, data: C };
}

/** A Bᵀ for A (m × k) and B (n × k): an m × n Matrix. */
export function matmulABt(A: MatrixLike, B: MatrixLike): Matrix {
  const X = _toMatrix(A, "matmulABt", "A"), Y = _toMatrix(B, "matmulABt", "B");
  if (X.cols !== Y.cols) throw new UsageError(`matmulABt: A is [${X.rows}, ${X.cols}] but B is [${Y.rows}, ${Y.cols}]; A and B must have the same number of columns`);
  const n = Y.rows, k = Y.cols;
  // The kernel streams along rows of its right operand, so Bᵀ is formed once (O(nk), against
  // the product's O(mnk)).
  const Bt = new Float64Array(k * n);
  for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) Bt[p * n + i] = Y.data[i * k + p];
  const C = new Float64Array(X.rows * n);
  _gemm(X.rows, n, k, 1, X.data, 0, k, 1, Bt, 0, n, C, 0, n);
  return { rows: X.rows, cols: n, data: C };
}
