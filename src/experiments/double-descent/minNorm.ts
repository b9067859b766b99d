/**
 * One minimum-norm least-squares solve, for notebooks and tests: X̂ = argmin ‖X‖_F among the
 * minimisers of ‖AX − Y‖_F (+ λ‖X‖²_F with `ridge` = λ > 0). The sweeps in model.ts use the
 * same factorisation, read off along a nested path instead of once.
 */
import { UsageError } from "../../compute/usageError.js";
import { matrix, toMatrix, type Matrix, type MatrixLike } from "../../linalg/matrix.js";
import { appendRows, carried, sequentialQR, solveR, solveRt } from "./sequentialQR.js";

/**
 * Solves A X ≈ Y (A is m × n, Y is m × q) for the minimum-norm X through Householder QR only:
 * of A when m ≥ n or λ > 0 (then X = R⁻¹Qᵀ[Y; 0]), of Aᵀ when m < n (then X = Q₁R⁻ᵀY, Q₁ carried
 * as the image of the identity). A must have full rank min(m, n) when λ = 0.
 */
export function minNormSolve(Ain: MatrixLike, Yin: MatrixLike, ridge = 0): Matrix {
  const A = toMatrix(Ain, "minNormSolve: A");
  const Y = toMatrix(Yin, "minNormSolve: Y");
  const { rows: m, cols: n } = A;
  const q = Y.cols;
  if (Y.rows !== m) throw new UsageError(`minNormSolve: A is [${m}, ${n}] but Y is [${Y.rows}, ${q}]; Y needs one row per row of A`);
  if (!(ridge >= 0)) throw new UsageError(`minNormSolve: ridge=${ridge} is not allowed; allowed: a number >= 0`);
  if (m >= n || ridge > 0) {
    const qr = sequentialQR(n, q, ridge);
    const B = new Float64Array(m * (n + q));
    for (let i = 0; i < m; i++) {
      B.set(A.data.subarray(i * n, (i + 1) * n), i * (n + q));
      B.set(Y.data.subarray(i * q, (i + 1) * q), i * (n + q) + n);
    }
    appendRows(qr, B, m);
    requireFullRank(qr.W, n, n + q);
    return matrix(n, q, solveR(qr, n, carried(qr, n), q));
  }
  // Rows of Aᵀ, each followed by the matching row of the n × n identity.
  const qr = sequentialQR(m, n);
  const B = new Float64Array(n * (m + n));
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) B[j * (m + n) + i] = A.data[i * n + j];
    B[j * (m + n) + m + j] = 1;
  }
  appendRows(qr, B, n);
  requireFullRank(qr.W, m, m + n);
  const z = solveRt(qr, m, new Float64Array(Y.data), q); // [m, q]
  const Q1t = carried(qr, m); // [m, n] = Q₁ᵀ
  const X = new Float64Array(n * q);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const c = Q1t[i * n + j];
      for (let r = 0; r < q; r++) X[j * q + r] += c * z[i * q + r];
    }
  }
  return matrix(n, q, X);
}

function requireFullRank(W: Float64Array, k: number, cols: number): void {
  let big = 0;
  for (let i = 0; i < k; i++) big = Math.max(big, Math.abs(W[i * cols + i]));
  for (let i = 0; i < k; i++) {
    if (!(Math.abs(W[i * cols + i]) > big * 1e-14)) {
      throw new UsageError(`minNormSolve: A is rank deficient (R[${i},${i}] = ${W[i * cols + i]}); use ridge > 0`);
    }
  }
}
