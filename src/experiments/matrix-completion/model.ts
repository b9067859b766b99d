/**
 * The model of Gu, Song, Yin & Zhang (arXiv:2302.11068): an incoherent rank-k M = U* diag(σ) V*ᵀ
 * (m × n, U*, V* Haar-random orthonormal, hence incoherent with high probability), Ω drawn
 * uniformly without replacement, a spectral start from the top-k SVD of (mn/|Ω|)·P_Ω(M), and
 * alternating minimisation whose row updates are least-squares problems over the observed
 * entries: solved exactly (normal equations, Cholesky: O(|Ω_i|k² + k³) a row) or approximately
 * (a few warm-started CGLS iterations: O(|Ω_i|k) each), the paper's "robust" alternating
 * minimisation that tolerates inexact updates. Float64 throughout.
 */
import type { Rng } from "../../compute/rng.js";
import { matrix, randomOrthonormal, svd } from "../../linalg/index.js";

export type Solver = "exact" | "approx";

export interface Truth {
  m: number;
  n: number;
  k: number;
  /** M, row-major m × n. */
  M: Float64Array;
  norm: number;
}

/** M = U diag(σ) Vᵀ with σ evenly spaced from 1 down to 1/κ. */
export function groundTruth(m: number, n: number, k: number, kappa: number, rng: Rng): Truth {
  const U = randomOrthonormal(m, k, rng.fork("U")).data;
  const V = randomOrthonormal(n, k, rng.fork("V")).data;
  const s = Array.from({ length: k }, (_, a) => (k === 1 ? 1 : 1 - (a * (1 - 1 / kappa)) / (k - 1)));
  const M = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let a = 0; a < k; a++) x += U[i * k + a] * s[a] * V[j * k + a];
      M[i * n + j] = x;
    }
  }
  return { m, n, k, M, norm: Math.sqrt(s.reduce((acc, x) => acc + x * x, 0)) };
}

/** Ω as compressed rows and compressed columns (the two halves of a step read one each). */
export interface Observed {
  count: number;
  rowPtr: Int32Array;
  rowIdx: Int32Array;
  rowVal: Float64Array;
  colPtr: Int32Array;
  colIdx: Int32Array;
  colVal: Float64Array;
}

/** |Ω| = count entries of an m × n matrix, uniformly without replacement; values from `value(i, j)`. */
export function sampleOmega(m: number, n: number, count: number, rng: Rng, value: (i: number, j: number) => number): Observed {
  const perm = rng.permutation(m * n);
  const chosen = Array.from(perm.subarray(0, count)).sort((a, b) => a - b);
  const rowPtr = new Int32Array(m + 1);
  const colPtr = new Int32Array(n + 1);
  for (const e of chosen) {
    rowPtr[Math.floor(e / n) + 1]++;
    colPtr[(e % n) + 1]++;
  }
  for (let i = 0; i < m; i++) rowPtr[i + 1] += rowPtr[i];
  for (let j = 0; j < n; j++) colPtr[j + 1] += colPtr[j];
  const rowIdx = new Int32Array(count), rowVal = new Float64Array(count);
  const colIdx = new Int32Array(count), colVal = new Float64Array(count);
  const fill = colPtr.slice(0, n);
  chosen.forEach((e, t) => {
    const i = Math.floor(e / n), j = e % n, x = value(i, j);
    rowIdx[t] = j;
    rowVal[t] = x;
    colIdx[fill[j]] = i;
    colVal[fill[j]++] = x;
  });
  return { count, rowPtr, rowIdx, rowVal, colPtr, colIdx, colVal };
}

/** The spectral start: X = U_k diag(σ_k)^{1/2}, Y = V_k diag(σ_k)^{1/2} of (mn/|Ω|)·P_Ω(M). */
export function spectralInit(t: Truth, obs: Observed): { X: Float64Array; Y: Float64Array } {
  const { m, n, k } = t;
  const P = new Float64Array(m * n);
  const scale = (m * n) / obs.count;
  for (let i = 0; i < m; i++) for (let q = obs.rowPtr[i]; q < obs.rowPtr[i + 1]; q++) P[i * n + obs.rowIdx[q]] = scale * obs.rowVal[q];
  const f = svd(matrix(m, n, P));
  const X = new Float64Array(m * k), Y = new Float64Array(n * k);
  for (let a = 0; a < k; a++) {
    const r = Math.sqrt(f.S[a]);
    for (let i = 0; i < m; i++) X[i * k + a] = f.U.data[i * f.U.cols + a] * r;
    for (let j = 0; j < n; j++) Y[j * k + a] = f.V.data[j * f.V.cols + a] * r;
  }
  return { X, Y };
}

/**
 * One half-step: every row x_i of X (rows × k) becomes argmin Σ_{j∈Ω_i} (M_ij − x_i·y_j)²,
 * exactly or by `iters` CGLS iterations from the current x_i. Work buffers are `k`-sized.
 */
export function halfStep(X: Float64Array, rows: number, ptr: Int32Array, idx: Int32Array, val: Float64Array, Y: Float64Array, k: number, solver: Solver, iters: number): void {
  const G = new Float64Array(k * k), b = new Float64Array(k), s = new Float64Array(k), d = new Float64Array(k);
  const res = new Float64Array(Math.max(1, maxRow(ptr, rows))), q = new Float64Array(res.length);
  for (let i = 0; i < rows; i++) {
    const lo = ptr[i], hi = ptr[i + 1], x = i * k;
    if (hi === lo) continue;
    if (solver === "exact") {
      G.fill(0);
      b.fill(0);
      for (let t = lo; t < hi; t++) {
        const y = idx[t] * k, v = val[t];
        for (let a = 0; a < k; a++) {
          const ya = Y[y + a];
          b[a] += ya * v;
          for (let c = 0; c <= a; c++) G[a * k + c] += ya * Y[y + c];
        }
      }
      cholSolve(G, b, k);
      for (let a = 0; a < k; a++) X[x + a] = b[a];
      continue;
    }
    // CGLS on min ‖A x − v‖, A the |Ω_i| × k rows y_j: r = v − A x, s = Aᵀ r, d = s.
    for (let t = lo; t < hi; t++) {
      const y = idx[t] * k;
      let e = val[t];
      for (let a = 0; a < k; a++) e -= Y[y + a] * X[x + a];
      res[t - lo] = e;
    }
    s.fill(0);
    for (let t = lo; t < hi; t++) for (let a = 0, y = idx[t] * k, e = res[t - lo]; a < k; a++) s[a] += Y[y + a] * e;
    d.set(s);
    let gamma = dot(s, s, k);
    for (let it = 0; it < iters && gamma > 0; it++) {
      let qq = 0;
      for (let t = lo; t < hi; t++) {
        let e = 0;
        for (let a = 0, y = idx[t] * k; a < k; a++) e += Y[y + a] * d[a];
        q[t - lo] = e;
        qq += e * e;
      }
      if (!(qq > 0)) break;
      const alpha = gamma / qq;
      for (let a = 0; a < k; a++) X[x + a] += alpha * d[a];
      for (let t = lo; t < hi; t++) res[t - lo] -= alpha * q[t - lo];
      s.fill(0);
      for (let t = lo; t < hi; t++) for (let a = 0, y = idx[t] * k, e = res[t - lo]; a < k; a++) s[a] += Y[y + a] * e;
      const next = dot(s, s, k);
      for (let a = 0; a < k; a++) d[a] = s[a] + (next / gamma) * d[a];
      gamma = next;
    }
  }
}

function maxRow(ptr: Int32Array, rows: number): number {
  let best = 0;
  for (let i = 0; i < rows; i++) best = Math.max(best, ptr[i + 1] - ptr[i]);
  return best;
}

function dot(a: Float64Array, b: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += a[i] * b[i];
  return s;
}

/** Solves G x = b in place (b ← x) for symmetric positive semi-definite G (lower triangle read); a 1e-15 relative ridge keeps a rank-deficient row finite. */
function cholSolve(G: Float64Array, b: Float64Array, k: number): void {
  let tr = 0;
  for (let a = 0; a < k; a++) tr += G[a * k + a];
  const ridge = 1e-15 * (tr / k || 1);
  for (let a = 0; a < k; a++) {
    let d = G[a * k + a] + ridge;
    for (let c = 0; c < a; c++) d -= G[a * k + c] * G[a * k + c];
    const l = Math.sqrt(Math.max(d, ridge));
    G[a * k + a] = l;
    for (let r = a + 1; r < k; r++) {
      let v = G[r * k + a];
      for (let c = 0; c < a; c++) v -= G[r * k + c] * G[a * k + c];
      G[r * k + a] = v / l;
    }
  }
  for (let a = 0; a < k; a++) {
    let v = b[a];
    for (let c = 0; c < a; c++) v -= G[a * k + c] * b[c];
    b[a] = v / G[a * k + a];
  }
  for (let a = k - 1; a >= 0; a--) {
    let v = b[a];
    for (let c = a + 1; c < k; c++) v -= G[c * k + a] * b[c];
    b[a] = v / G[a * k + a];
  }
}

/** ‖XYᵀ − M‖_F / ‖M‖_F over every entry (observed or not). */
export function relError(t: Truth, X: Float64Array, Y: Float64Array): number {
  const { m, n, k, M } = t;
  let s = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let x = -M[i * n + j];
      for (let a = 0; a < k; a++) x += X[i * k + a] * Y[j * k + a];
      s += x * x;
    }
  }
  return Math.sqrt(s) / t.norm;
}

/** One full alternating step: X given Y (rows of Ω), then Y given X (columns of Ω). */
export function altStep(t: Truth, obs: Observed, X: Float64Array, Y: Float64Array, solver: Solver, iters: number): void {
  halfStep(X, t.m, obs.rowPtr, obs.rowIdx, obs.rowVal, Y, t.k, solver, iters);
  halfStep(Y, t.n, obs.colPtr, obs.colIdx, obs.colVal, X, t.k, solver, iters);
}

/**
 * `altStep`, also measuring how inexact its updates were: the part of the exact least-squares
 * step that the solver left undone, ‖X⁺ − X_LS‖_F / ‖X − X_LS‖_F over both half-steps together
 * (0 for the exact solver; 1 for a solver that did not move). This is the per-update error that
 * the paper's robust analysis tolerates; reporting it shows the approximate runs are approximate.
 */
export function altStepMeasured(t: Truth, obs: Observed, X: Float64Array, Y: Float64Array, solver: Solver, iters: number): number {
  let left = 0, step = 0;
  const half = (Z: Float64Array, rows: number, ptr: Int32Array, idx: Int32Array, val: Float64Array, W: Float64Array) => {
    const Zls = Z.slice(), Z0 = Z.slice();
    halfStep(Zls, rows, ptr, idx, val, W, t.k, "exact", iters);
    halfStep(Z, rows, ptr, idx, val, W, t.k, solver, iters);
    for (let e = 0; e < Z.length; e++) {
      left += (Z[e] - Zls[e]) ** 2;
      step += (Z0[e] - Zls[e]) ** 2;
    }
  };
  half(X, t.m, obs.rowPtr, obs.rowIdx, obs.rowVal, Y);
  half(Y, t.n, obs.colPtr, obs.colIdx, obs.colVal, X);
  return step > 0 ? Math.sqrt(left / step) : 0;
}

/** |Ω| = c·n·k·ln n, at most m·n. */
export const omegaSize = (c: number, m: number, n: number, k: number): number => Math.min(m * n, Math.round(c * n * k * Math.log(n)));
