import { UsageError } from "../compute/usageError.js";
import type { Rng } from "../compute/rng.js";
import { _requireInt } from "./checks.js";
import type { Matrix } from "./matrix.js";
import { qr } from "./qr.js";

/**
 * An m × k matrix with orthonormal columns, uniformly (Haar) distributed: the Q of a Gaussian
 * matrix with each column's sign fixed by R's diagonal, without which Q is not uniform
 * (Mezzadri 2007, "How to generate random matrices from the classical compact groups", §5).
 */
export function randomOrthonormal(m: number, k: number, rng: Rng): Matrix {
  _requireInt(m, "randomOrthonormal", "m", 0, 2 ** 26);
  _requireInt(k, "randomOrthonormal", "k", 0, 2 ** 26);
  if (k > m) throw new UsageError(`randomOrthonormal: k = ${k} columns cannot be orthonormal in R^${m}; need k ≤ m`);
  const { Q, R } = qr({ rows: m, cols: k, data: rng.normals(m * k) });
  for (let j = 0; j < k; j++) {
    if (R.data[j * k + j] >= 0) continue;
    for (let i = 0; i < m; i++) Q.data[i * k + j] = -Q.data[i * k + j];
  }
  return Q;
}
