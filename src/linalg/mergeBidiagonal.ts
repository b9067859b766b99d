import { _gemm } from "./gemm.js";
import { _secularRoots } from "./secular.js";

/** Shared arrays of one divide-and-conquer run (see bidiagonalSvd.ts for the block layout). */
export interface DcState {
  N: number;
  d: Float64Array;
  e: Float64Array;
  U: Float64Array; // [N, N]
  V: Float64Array; // [N, N]
}

const EPS = 2 ** -52;
// Where a column of the children's block-diagonal U or V is nonzero: rows of the upper child,
// rows of the lower child, or (U only) the removed middle row. Rotations merge these.
const TOP = 1, BOTTOM = 2, MIDDLE = 4;

/**
 * Merges the solved children of the n × (n+sqre) subproblem at `start` (n = nl + 1 + nr), whose
 * removed middle row holds α = d[start+nl] and β = e[start+nl] (LAPACK dlasd1 … dlasd3).
 *
 * With B₁ = U₁[D₁ 0]V₁ᵀ and B₂ = U₂[D₂ 0]V₂ᵀ, the subproblem equals diag(U₁, 1, U₂) · M · diag(V₁, V₂)ᵀ,
 * where M is an "arrow": first row z = (α·(last row of V₁), β·(first row of V₂)) after one
 * rotation merges the two null-vector entries, and diagonal (0, D₁, D₂) below it. M's singular
 * values solve the secular equation (secular.ts); its vectors have closed forms.
 */
export function _mergeBidiagonal(st: DcState, start: number, nl: number, nr: number, sqre: number, alpha: number, beta: number): void {
  const { N, U, V, d } = st;
  const n = nl + 1 + nr;
  const m = n + sqre;
  const base = start * N + start;
  U[base + nl * N + nl] = 1;
  const dd = new Float64Array(n), zz = new Float64Array(n), col = new Int32Array(n);
  const uType = new Uint8Array(n), vType = new Uint8Array(n);
  const rowL = base + nl * N; // last row of V₁
  const rowF = base + (nl + 1) * N; // first row of V₂
  let z0 = alpha * V[rowL + nl];
  col[0] = nl; uType[0] = MIDDLE; vType[0] = TOP;
  if (sqre) {
    const q = beta * V[rowF + n];
    if (q !== 0) {
      const r = Math.hypot(z0, q);
      rotateCols(V, base, N, m, nl, n, z0 / r, q / r);
      vType[0] = TOP | BOTTOM;
      z0 = r;
    }
  }
  zz[0] = z0;
  for (let i = 0; i < nl; i++) {
    dd[1 + i] = d[start + i];
    zz[1 + i] = alpha * V[rowL + i];
    col[1 + i] = i; uType[1 + i] = TOP; vType[1 + i] = TOP;
  }
  for (let i = 0; i < nr; i++) {
    dd[nl + 1 + i] = d[start + nl + 1 + i];
    zz[nl + 1 + i] = beta * V[rowF + nl + 1 + i];
    col[nl + 1 + i] = nl + 1 + i; uType[nl + 1 + i] = BOTTOM; vType[nl + 1 + i] = BOTTOM;
  }
  // Scale to norm about 1 so that nothing below over- or underflows (LAPACK's ORGNRM).
  let scale = Math.max(Math.abs(alpha), Math.abs(beta));
  for (let i = 1; i < n; i++) scale = Math.max(scale, dd[i]);
  if (scale === 0) return; // a zero block: the children's vectors already serve, all σ = 0
  for (let i = 0; i < n; i++) { dd[i] /= scale; zz[i] /= scale; }

  // ---- deflation (dlasd2): drop what already is a singular triple of M
  const order = Array.from({ length: n - 1 }, (_, i) => i + 1).sort((a, b) => dd[a] - dd[b]);
  const tol = 64 * EPS; // relative to the scaled norm, as LAPACK's 8·8·eps
  const active = [0];
  const defIdx: number[] = [];
  const defSigma: number[] = [];
  let prev = -1;
  for (const i of order) {
    if (Math.abs(zz[i]) <= tol) { // z ≈ 0: (dᵢ, eᵢ, eᵢ) is already a singular triple
      defIdx.push(i); defSigma.push(dd[i]);
    } else if (dd[i] <= tol) { // dᵢ ≈ 0 = d₀: rotate zᵢ into z₀; column i becomes zero
      const r = Math.hypot(zz[0], zz[i]);
      rotateCols(V, base, N, m, col[0], col[i], zz[0] / r, zz[i] / r);
      vType[0] |= vType[i]; vType[i] = vType[0];
      zz[0] = r; zz[i] = 0;
      defIdx.push(i); defSigma.push(0);
    } else if (prev > 0 && dd[i] - dd[prev] <= tol) { // dᵢ ≈ d_prev: rotate z_prev into zᵢ
      const r = Math.hypot(zz[prev], zz[i]);
      const c = zz[i] / r, s = zz[prev] / r;
      // new prev column = c·prev - s·i, new i column = s·prev + c·i, in U and V alike
      rotateCols(V, base, N, m, col[prev], col[i], c, -s);
      rotateCols(U, base, N, n, col[prev], col[i], c, -s);
      vType[prev] |= vType[i]; vType[i] = vType[prev];
      uType[prev] |= uType[i]; uType[i] = uType[prev];
      zz[prev] = 0; zz[i] = r;
      active.pop();
      defIdx.push(prev); defSigma.push(dd[prev]);
      active.push(i); prev = i;
    } else {
      active.push(i); prev = i;
    }
  }
  if (Math.abs(zz[0]) <= tol) zz[0] = tol; // keeps d₀ = 0 a genuine pole (a perturbation ≤ tol)

  // ---- the arrow's SVD on the K non-deflated indices
  const K = active.length;
  const dk = new Float64Array(K), zk = new Float64Array(K);
  for (let a = 0; a < K; a++) { dk[a] = dd[active[a]]; zk[a] = zz[active[a]]; }
  dk[0] = 0;
  const origin = new Int32Array(K), mu = new Float64Array(K), sig = new Float64Array(K);
  _secularRoots(K, dk, zk, origin, mu, sig, new Float64Array(K));
  const Dm = new Float64Array(K * K); // Dm[i, k] = σ_k² - d_i², to full relative accuracy
  for (let i = 0; i < K; i++) {
    const di = dk[i];
    for (let k = 0; k < K; k++) {
      const dO = dk[origin[k]];
      Dm[i * K + k] = (dO - di) * (dO + di) + mu[k];
    }
  }
  // Gu & Eisenstat: the ẑ for which the computed σ are exact; vectors built from it are
  // orthogonal to working precision however close the σ are.
  const zh = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    const di = dk[i];
    const row = i * K;
    let prod = Dm[row + K - 1];
    for (let k = 0; k < i; k++) prod *= Dm[row + k] / ((dk[k] - di) * (dk[k] + di));
    for (let k = i; k < K - 1; k++) prod *= Dm[row + k] / ((dk[k + 1] - di) * (dk[k + 1] + di));
    zh[i] = Math.sign(zk[i]) * Math.sqrt(Math.abs(prod));
  }
  const Ut = new Float64Array(K * K), Vt = new Float64Array(K * K); // [active index, root]
  for (let k = 0; k < K; k++) {
    let nu = 1, nv = 0;
    for (let i = 0; i < K; i++) {
      const v = -zh[i] / Dm[i * K + k];
      Vt[i * K + k] = v;
      nv += v * v;
      if (i > 0) {
        const u = dk[i] * v;
        Ut[i * K + k] = u;
        nu += u * u;
      }
    }
    Ut[k] = -1;
    nu = 1 / Math.sqrt(nu);
    nv = 1 / Math.sqrt(nv);
    for (let i = 0; i < K; i++) { Ut[i * K + k] *= nu; Vt[i * K + k] *= nv; }
  }

  // ---- rotate the children's vectors: the top and bottom row blocks multiply separately, so
  // the zero blocks of diag(U₁, 1, U₂) cost nothing.
  const Utop = product(U, base, N, 0, nl, col, active, uType, TOP, Ut, K);
  const Ubot = product(U, base, N, nl + 1, nr, col, active, uType, BOTTOM, Ut, K);
  const Vtop = product(V, base, N, 0, nl + 1, col, active, vType, TOP, Vt, K);
  const Vbot = product(V, base, N, nl + 1, nr + sqre, col, active, vType, BOTTOM, Vt, K);

  // ---- write back, all n singular values ascending
  const slots: number[] = [];
  for (let k = 0; k < K; k++) slots.push(k);
  for (let t = 0; t < defIdx.length; t++) slots.push(-1 - t);
  const sigmaOf = (x: number) => (x >= 0 ? sig[x] : defSigma[-1 - x]);
  slots.sort((a, b) => sigmaOf(a) - sigmaOf(b));
  const TU = new Float64Array(n * n), TV = new Float64Array(m * m);
  for (let j = 0; j < n; j++) {
    const x = slots[j];
    if (x >= 0) {
      for (let r = 0; r < nl; r++) TU[r * n + j] = Utop[r * K + x];
      TU[nl * n + j] = Ut[x];
      for (let r = 0; r < nr; r++) TU[(nl + 1 + r) * n + j] = Ubot[r * K + x];
      for (let r = 0; r <= nl; r++) TV[r * m + j] = Vtop[r * K + x];
      for (let r = 0; r < nr + sqre; r++) TV[(nl + 1 + r) * m + j] = Vbot[r * K + x];
    } else {
      const c = col[defIdx[-1 - x]];
      for (let r = 0; r < n; r++) TU[r * n + j] = U[base + r * N + c];
      for (let r = 0; r < m; r++) TV[r * m + j] = V[base + r * N + c];
    }
    d[start + j] = sigmaOf(x) * scale;
  }
  if (sqre) for (let r = 0; r < m; r++) TV[r * m + n] = V[base + r * N + n]; // the null vector stays last
  for (let r = 0; r < n; r++) U.set(TU.subarray(r * n, (r + 1) * n), base + r * N);
  for (let r = 0; r < m; r++) V.set(TV.subarray(r * m, (r + 1) * m), base + r * N);
}

/** Columns ci, cj of the rows × · block at `base` become (c·ci + s·cj, -s·ci + c·cj). */
function rotateCols(X: Float64Array, base: number, ld: number, rows: number, ci: number, cj: number, c: number, s: number): void {
  for (let r = 0, p = base; r < rows; r++, p += ld) {
    const x = X[p + ci], y = X[p + cj];
    X[p + ci] = c * x + s * y;
    X[p + cj] = -s * x + c * y;
  }
}

/**
 * Rows r0 … r0+rows-1 of (block at `base`) · (arrow vectors), using only the active columns whose
 * type includes `part`: gathers them into a dense panel and multiplies once. Returns rows × K.
 */
function product(X: Float64Array, base: number, ld: number, r0: number, rows: number, col: Int32Array,
  active: number[], type: Uint8Array, part: number, W: Float64Array, K: number): Float64Array {
  const out = new Float64Array(rows * K);
  if (rows === 0) return out;
  const picks: number[] = [];
  for (let a = 0; a < K; a++) if (type[active[a]] & part) picks.push(a);
  const c = picks.length;
  if (c === 0) return out;
  const A = new Float64Array(rows * c), B = new Float64Array(c * K);
  for (let r = 0; r < rows; r++) {
    const src = base + (r0 + r) * ld;
    for (let t = 0; t < c; t++) A[r * c + t] = X[src + col[active[picks[t]]]];
  }
  for (let t = 0; t < c; t++) B.set(W.subarray(picks[t] * K, picks[t] * K + K), t * K);
  _gemm(rows, K, c, 1, A, 0, c, 1, B, 0, K, out, 0, K);
  return out;
}
