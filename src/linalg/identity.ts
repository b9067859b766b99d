import { _requireInt } from "./checks.js";
import type { Matrix } from "./matrix.js";

/** The n × n identity matrix. */
export function identity(n: number): Matrix {
  _requireInt(n, "identity", "n", 0, 2 ** 15);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { rows: n, cols: n, data };
}
