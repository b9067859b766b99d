import type { Rng } from "../compute/rng.js";
import { _requireInt } from "./checks.js";
import type { Matrix } from "./matrix.js";

/** A rows × cols matrix of independent N(0, std²) entries drawn from `rng` (seeded: reproducible). */
export function randomMatrix(rows: number, cols: number, rng: Rng, std = 1): Matrix {
  _requireInt(rows, "randomMatrix", "rows", 0, 2 ** 26);
  _requireInt(cols, "randomMatrix", "cols", 0, 2 ** 26);
  return { rows, cols, data: rng.normals(rows * cols, std) };
}
