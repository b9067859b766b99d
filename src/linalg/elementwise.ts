import { UsageError } from "../compute/usageError.js";
import { _toMatrix } from "./checks.js";
import type { Matrix, MatrixLike } from "./matrix.js";

function sameShape(fn: string, X: Matrix, Y: Matrix): void {
  if (X.rows !== Y.rows || X.cols !== Y.cols) {
    throw new UsageError(`${fn}: A is [${X.rows}, ${X.cols}] but B is [${Y.rows}, ${Y.cols}]; the shapes must match`);
  }
}

/** A + B, entry by entry. */
export function add(A: MatrixLike, B: MatrixLike): Matrix {
  const X = _toMatrix(A, "add", "A"), Y = _toMatrix(B, "add", "B");
  sameShape("add", X, Y);
  const out = new Float64Array(X.data.length);
  for (let i = 0; i < out.length; i++) out[i] = X.data[i] + Y.data[i];
  return { rows: X.rows, cols: X.cols, data: out };
}

/** A - B, entry by entry. */
export function sub(A: MatrixLike, B: MatrixLike): Matrix {
  const X = _toMatrix(A, "sub", "A"), Y = _toMatrix(B, "sub", "B");
  sameShape("sub", X, Y);
  const out = new Float64Array(X.data.length);
  for (let i = 0; i < out.length; i++) out[i] = X.data[i] - Y.data[i];
  return { rows: X.rows, cols: X.cols, data: out };
}

/** s · A. */
export function scale(A: MatrixLike, s: number): Matrix {
  const X = _toMatrix(A, "scale", "A");
  const out = new Float64Array(X.data.length);
  for (let i = 0; i < out.length; i++) out[i] = s * X.data[i];
  return { rows: X.rows, cols: X.cols, data: out };
}
