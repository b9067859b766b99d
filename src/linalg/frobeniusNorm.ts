import { _toMatrix } from "./checks.js";
import { _norm2 } from "./householder.js";
import type { MatrixLike } from "./matrix.js";

/** ‖A‖_F = √(Σ aᵢⱼ²), computed without overflow or underflow for extreme entries. */
export function frobeniusNorm(A: MatrixLike): number {
  const X = _toMatrix(A, "frobeniusNorm", "A");
  return _norm2(X.data, 0, 1, X.data.length);
}
