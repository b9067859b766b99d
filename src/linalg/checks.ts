import { UsageError } from "../compute/usageError.js";
import { toMatrix, type Matrix, type MatrixLike } from "./matrix.js";

/**
 * Input checks shared by linalg's public functions: normalise once at the edge, and name the
 * function, the argument and the offending value, so a notebook user sees what to fix.
 */

/** `toMatrix` with its complaints turned into a UsageError that names the function and argument. */
export function _toMatrix(x: MatrixLike, fn: string, name: string): Matrix {
  if (x === null || typeof x !== "object") {
    throw new UsageError(`${fn}: ${name} must be a Matrix, an array of rows or a 2-D tensor, got ${x === null ? "null" : typeof x}`);
  }
  try {
    return toMatrix(x, `${fn}: ${name}`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message);
  }
}

/** Rejects NaN and ±Infinity, which would otherwise stall the iterative eigen/SVD solvers. */
export function _requireFinite(A: Matrix, fn: string, name: string): void {
  const d = A.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const r = Math.floor(i / A.cols);
      throw new UsageError(`${fn}: ${name} has a non-finite entry ${d[i]} at (${r}, ${i - r * A.cols}); all entries must be finite numbers`);
    }
  }
}

/** A positive integer option, or a UsageError naming it and the allowed range. */
export function _requireInt(value: unknown, fn: string, name: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${fn}: ${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}
