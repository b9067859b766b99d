/**
 * The one matrix type of linalg/: plain row-major Float64 data. Entry (i, j) of an
 * `rows × cols` matrix is `data[i * cols + j]`. Chosen over tfjs tensors because tfjs is
 * float32 only, and several papers' claims live near machine precision (see
 * docs/architecture.md, "Two kinds of numbers").
 */
export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major, length rows * cols. */
  data: Float64Array;
}

/** Anything `toMatrix` accepts: a Matrix, nested arrays (array of rows), or a tfjs-like 2-D tensor. */
export type MatrixLike =
  | Matrix
  | ArrayLike<ArrayLike<number>>
  | { shape: number[]; dataSync(): ArrayLike<number> };

export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  if (data && data.length !== rows * cols) {
    throw new RangeError(`matrix: data has ${data.length} entries but ${rows}×${cols} needs ${rows * cols}`);
  }
  return { rows, cols, data: data ? new Float64Array(data) : new Float64Array(rows * cols) };
}

function isMatrix(x: unknown): x is Matrix {
  return typeof x === "object" && x !== null && (x as Matrix).data instanceof Float64Array &&
    typeof (x as Matrix).rows === "number" && typeof (x as Matrix).cols === "number";
}

/** Normalises loose input at the edge: a Matrix passes through (not copied), others are copied. */
export function toMatrix(x: MatrixLike, name = "matrix"): Matrix {
  if (isMatrix(x)) return x;
  if (typeof x === "object" && x !== null && "dataSync" in x && "shape" in x) {
    if (x.shape.length !== 2) throw new TypeError(`${name}: expected a 2-D tensor, got shape [${x.shape.join(", ")}]`);
    return matrix(x.shape[0], x.shape[1], x.dataSync());
  }
  const rows = x as ArrayLike<ArrayLike<number>>;
  const m = rows.length;
  const n = m > 0 ? rows[0].length : 0;
  const out = matrix(m, n);
  for (let i = 0; i < m; i++) {
    if (rows[i].length !== n) throw new TypeError(`${name}: row ${i} has ${rows[i].length} entries but row 0 has ${n}`);
    for (let j = 0; j < n; j++) out.data[i * n + j] = rows[i][j];
  }
  return out;
}

/** Nested arrays, for printing and JSON. */
export function toArrays(a: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) out.push(Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)));
  return out;
}
