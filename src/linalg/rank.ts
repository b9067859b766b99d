import { UsageError } from "../compute/usageError.js";
import { _requireFinite, _toMatrix } from "./checks.js";
import type { MatrixLike } from "./matrix.js";
import { svd } from "./svd.js";

/** Singular values (any order; a plain array, a Float64Array or a 1-D tensor), or a matrix. */
export type SpectrumOrMatrix = ArrayLike<number> | MatrixLike;

const EPS = 2 ** -52;

/**
 * Singular values, descending, of `x`: taken as given when x is a flat list of numbers, computed
 * with `svd` when x is a matrix. `dims` is max(m, n) of the matrix, or the number of values.
 */
function spectrum(x: SpectrumOrMatrix, fn: string): { S: Float64Array; dims: number } {
  if (x !== null && typeof x === "object" && "shape" in x && Array.isArray(x.shape) && x.shape.length === 1 && "dataSync" in x) {
    return values(x.dataSync(), fn);
  }
  if (isFlat(x)) return values(x, fn);
  const A = _toMatrix(x as MatrixLike, fn, "A");
  _requireFinite(A, fn, "A");
  return { S: svd(A).S, dims: Math.max(A.rows, A.cols) };
}

function isFlat(x: unknown): x is ArrayLike<number> {
  if (ArrayBuffer.isView(x)) return true;
  return Array.isArray(x) && (x.length === 0 || typeof x[0] === "number");
}

function values(v: ArrayLike<number>, fn: string): { S: Float64Array; dims: number } {
  const S = new Float64Array(v);
  for (let i = 0; i < S.length; i++) {
    if (!(S[i] >= 0) || !Number.isFinite(S[i])) throw new UsageError(`${fn}: singular values must be finite and ≥ 0, got ${S[i]} at index ${i}`);
  }
  S.sort().reverse();
  return { S, dims: S.length };
}

/**
 * Number of singular values above `tol`. The default tol = max(m, n) · ε · σ₁ is the one
 * numpy.linalg.matrix_rank uses (ε = 2⁻⁵², σ₁ the largest singular value). Given singular values
 * instead of a matrix, m and n are unknown and their count stands in for max(m, n); pass `tol`
 * to reproduce numpy exactly for a non-square matrix.
 */
export function numericalRank(x: SpectrumOrMatrix, tol?: number): number {
  const { S, dims } = spectrum(x, "numericalRank");
  if (tol !== undefined && !(tol >= 0)) throw new UsageError(`numericalRank: tol must be a number ≥ 0, got ${tol}`);
  const t = tol ?? dims * EPS * (S.length > 0 ? S[0] : 0);
  let r = 0;
  for (let i = 0; i < S.length; i++) if (S[i] > t) r++;
  return r;
}

/**
 * Stable rank ‖A‖_F² / ‖A‖₂² = Σσᵢ² / σ₁²: between 1 and the rank, and unlike the rank it does
 * not jump under small perturbations (Rudelson & Vershynin 2007, "Sampling from large matrices").
 * 0 for the zero matrix.
 */
export function stableRank(x: SpectrumOrMatrix): number {
  const { S } = spectrum(x, "stableRank");
  if (S.length === 0 || S[0] === 0) return 0;
  let s = 0;
  for (let i = 0; i < S.length; i++) s += (S[i] / S[0]) ** 2;
  return s;
}

/**
 * Effective rank exp(H(p)), H the Shannon entropy (natural log) of pᵢ = σᵢ / Σσⱼ (Roy & Vetterli
 * 2007, "The effective rank: a measure of effective dimensionality", EUSIPCO, Definition 1):
 * k for k equal nonzero singular values, and between 1 and the rank in general. 0 for the zero matrix.
 */
export function effectiveRank(x: SpectrumOrMatrix): number {
  const { S } = spectrum(x, "effectiveRank");
  let total = 0;
  for (let i = 0; i < S.length; i++) total += S[i];
  if (total === 0) return 0;
  let H = 0;
  for (let i = 0; i < S.length; i++) {
    const p = S[i] / total;
    if (p > 0) H -= p * Math.log(p); // 0·log 0 = 0
  }
  return Math.exp(H);
}
