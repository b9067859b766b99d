import { _toMatrix } from "./checks.js";
import { _gemm } from "./gemm.js";
import type { MatrixLike } from "./matrix.js";

/** max |QᵀQ - I| over all entries: 0 for exactly orthonormal columns, ~1e-15 after a good factorisation. */
export function orthogonalityError(Q: MatrixLike): number {
  const X = _toMatrix(Q, "orthogonalityError", "Q");
  const k = X.cols;
  const G = new Float64Array(k * k);
  _gemm(k, k, X.rows, 1, X.data, 0, 1, k, X.data, 0, k, G, 0, k);
  let worst = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) worst = Math.max(worst, Math.abs(G[i * k + j] - (i === j ? 1 : 0)));
  return worst;
}
