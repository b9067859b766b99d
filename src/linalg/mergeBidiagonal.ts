import { GEMM_NC, _gemm, _wasmWorthIt } from "./gemm.js";
import { _secularRoots } from "./secular.js";
import { MR, NR, _heapAlloc, _heapFits, _heapRelease, _heapView, _kernels, _threads, type Kernels } from "./wasm/kernels.js";
import { _panel } from "./wasm/pool.js";

/** Shared arrays of one divide-and-conquer run (see bidiagonalSvd.ts for the block layout). */
export interface DcState {
  N: number;
  d: Float64Array;
  e: Float64Array;
  U: Float64Array; // [N, N]
  V: Float64Array; // [N, N]
  /** Scratch for the arrow's vectors, kept between merges (N² each once a merge needs it). */
  Ut?: Float64Array;
  Vt?: Float64Array;
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
    if (Math.abs(zz[i]) <= tol) { // zᵢ ≈ 0: dᵢ with unit vectors is already a singular triple
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
  // One pass per index i: the differences σ_k² - dᵢ² = (d_o - dᵢ)(d_o + dᵢ) + μ_k to full relative
  // accuracy, then Gu & Eisenstat's ẑᵢ (the z for which the computed σ are exact, so the vectors
  // below come out orthogonal however close the σ are), then row i of the vectors of M:
  // v_k ∝ (ẑᵢ / (dᵢ² - σ_k²))ᵢ and u_k ∝ (-1, dᵢ ẑᵢ / (dᵢ² - σ_k²))ᵢ (Jessup & Sorensen 1994).
  // Column norms accumulate on the way; the normalisation happens when the vectors are gathered.
  // Sized once for the largest merge (K ≤ N): fresh large arrays cost a page fault per 4 KiB.
  if (st.Ut === undefined || st.Ut.length < K * K) { st.Ut = new Float64Array(N * N); st.Vt = new Float64Array(N * N); }
  const Ut = st.Ut, Vt = st.Vt!; // [active index, root]
  const diff = new Float64Array(K);
  const nu = new Float64Array(K).fill(1), nv = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    const di = dk[i], row = i * K;
    for (let k = 0; k < K; k++) {
      const dO = dk[origin[k]];
      diff[k] = (dO - di) * (dO + di) + mu[k];
    }
    let prod = diff[K - 1];
    for (let k = 0; k < i; k++) prod *= diff[k] / ((dk[k] - di) * (dk[k] + di));
    for (let k = i; k < K - 1; k++) prod *= diff[k] / ((dk[k + 1] - di) * (dk[k + 1] + di));
    const zi = Math.sign(zk[i]) * Math.sqrt(Math.abs(prod));
    for (let k = 0; k < K; k++) {
      const v = -zi / diff[k]; // = ẑᵢ / (dᵢ² - σ_k²)
      Vt[row + k] = v;
      nv[k] += v * v;
    }
    if (i === 0) {
      for (let k = 0; k < K; k++) Ut[k] = -1;
    } else {
      for (let k = 0; k < K; k++) {
        const u = di * Vt[row + k];
        Ut[row + k] = u;
        nu[k] += u * u;
      }
    }
  }
  for (let k = 0; k < K; k++) {
    nu[k] = 1 / Math.sqrt(nu[k]);
    nv[k] = 1 / Math.sqrt(nv[k]);
  }

  // ---- final positions: all n singular values ascending
  const nd = defIdx.length;
  const slots: number[] = [];
  for (let k = 0; k < K; k++) slots.push(k);
  for (let t = 0; t < nd; t++) slots.push(-1 - t);
  const sigmaOf = (x: number) => (x >= 0 ? sig[x] : defSigma[-1 - x]);
  slots.sort((a, b) => sigmaOf(a) - sigmaOf(b));
  const posRoot = new Int32Array(K), posDef = new Int32Array(nd);
  slots.forEach((x, j) => {
    if (x >= 0) posRoot[x] = j;
    else posDef[-1 - x] = j;
    d[start + j] = sigmaOf(x) * scale;
  });

  // ---- rotate the children's vectors, in place: U's top and bottom row blocks multiply
  // separately so the zero blocks of diag(U₁, 1, U₂) cost nothing, with the arrow's vectors
  // already in their final columns. Each row's deflated entries move to their final columns on
  // the way (read before the row is overwritten).
  const place: Placement = { col, active, posRoot, K, defCols: Int32Array.from(defIdx, (i) => col[i]), posDef };
  const mid = base + nl * N; // U's middle row is row 0 of the arrow's u vectors; no rotation touches it
  const midDef = Float64Array.from(place.defCols, (c) => U[mid + c]);
  const inHeap: Rotation[] = [];
  for (const [X, r0, rows, type, part, W, norm] of [
    [U, 0, nl, uType, TOP, Ut, nu], [U, nl + 1, nr, uType, BOTTOM, Ut, nu],
    [V, 0, nl + 1, vType, TOP, Vt, nv], [V, nl + 1, nr + sqre, vType, BOTTOM, Vt, nv],
  ] as const) {
    const r = rotateInto(X, base, N, r0, rows, n, type, part, W, norm, place);
    if (r) inHeap.push(r);
  }
  const kernels = _kernels();
  if (kernels && inHeap.length > 0) rotateInHeap(kernels, inHeap, n, place);
  U.fill(0, mid, mid + n);
  for (let k = 0; k < K; k++) U[mid + posRoot[k]] = Ut[k] * nu[k];
  for (let t = 0; t < nd; t++) U[mid + posDef[t]] = midDef[t];
  // with sqre = 1, column n (the null vector) keeps its place
}

/** Where the arrow's columns go, the same for U and V. */
interface Placement {
  /** The column of the children's block behind each arrow index. */
  col: Int32Array;
  /** The arrow indices that were not deflated, and the number K of them. */
  active: number[];
  K: number;
  /** The final column of the vector of root k. */
  posRoot: Int32Array;
  /** The deflated columns where they are, and where they go. */
  defCols: Int32Array;
  posDef: Int32Array;
}

/**
 * Rows r0 … r0+rows-1, columns 0 … n-1 of the block at `base` become (those rows of the block,
 * restricted to the active columns whose type includes `part`) × (the arrow's vectors W scaled by
 * `norm`, in columns posRoot), with each row's deflated entries moved to columns posDef. Done
 * here in JavaScript when small; a product worth the kernels is returned for rotateInHeap.
 */
function rotateInto(X: Float64Array, base: number, ld: number, r0: number, rows: number, n: number,
  type: Uint8Array, part: number, W: Float64Array, norm: Float64Array, place: Placement): Rotation | null {
  if (rows === 0) return null;
  const { col, active, posRoot, K, defCols, posDef } = place;
  const picks: number[] = [];
  for (let a = 0; a < K; a++) if (type[active[a]] & part) picks.push(a);
  const c = picks.length;
  const from = Int32Array.from(picks, (a) => col[active[a]]); // resolved once, not per row
  if (_wasmWorthIt(rows, n, c) && _kernels()) return { X, base, ld, r0, rows, from, picks, W, norm };
  const A = new Float64Array(rows * c), B = new Float64Array(c * n), def = new Float64Array(defCols.length);
  for (let r = 0; r < rows; r++) {
    const src = base + (r0 + r) * ld, dst = r * c;
    for (let t = 0; t < c; t++) A[dst + t] = X[src + from[t]];
    // the row starts as its deflated entries, in their final columns, and zeros: the product adds to it
    for (let t = 0; t < def.length; t++) def[t] = X[src + defCols[t]];
    X.fill(0, src, src + n);
    for (let t = 0; t < def.length; t++) X[src + posDef[t]] = def[t];
  }
  for (let t = 0; t < c; t++) {
    const w = picks[t] * K, b = t * n;
    for (let k = 0; k < K; k++) B[b + posRoot[k]] = W[w + k] * norm[k];
  }
  _gemm(rows, n, c, 1, A, 0, c, 1, B, 0, n, X, base + r0 * ld, ld);
  return null;
}

/** One of a merge's products that rotateInto leaves to the kernels: its rows, picks and vectors. */
interface Rotation {
  X: Float64Array;
  base: number;
  ld: number;
  r0: number;
  rows: number;
  /** The block's columns that are gathered, and the arrow indices (rows of W) they stand for. */
  from: Int32Array;
  picks: number[];
  W: Float64Array;
  norm: Float64Array;
}

/**
 * Doubles of the kernels' memory that rotateInHeap takes at least for a run of size N: A, B and C
 * for the largest merge's product, bounded by rows ≤ N/2 + 1 and columns c ≤ N (see rotateInto).
 * The second A and B it takes with workers are not counted: it asks _heapFits for them first.
 */
export function _rotateScratch(N: number): number {
  const mp = Math.ceil((N / 2 + 1) / MR) * MR, np = Math.ceil(N / NR) * NR;
  return mp * N + N * np + mp * np + 4;
}

/**
 * rotateInto's products in the kernels' memory, with the operands written straight into the
 * layout the kernel reads: A (the gathered columns) row-major and padded to whole MR-row blocks,
 * B (the scaled arrow vectors) packed into NR-column strips, C zeroed there but for each row's
 * deflated entries (B's columns there are zero, so the product leaves them as they are), so no
 * operand is built in a fresh JavaScript array and copied again. Each entry of the result is
 * summed in the same order as by _gemmWasm.
 *
 * With workers, and room for a second A and B, the next product's A and B are written while the
 * workers start on this one (_panel's `meanwhile`): that set-up is JavaScript on this thread,
 * ~20 ms of a 1024² D&C, through which the workers would otherwise wait.
 */
function rotateInHeap(Kn: Kernels, list: Rotation[], n: number, place: Placement): void {
  const { defCols, posDef } = place;
  const nd = defCols.length, np = Math.ceil(n / NR) * NR;
  const mpOf = (r: Rotation) => Math.ceil(r.rows / MR) * MR;
  const abSize = Math.max(...list.map((r) => mpOf(r) * r.from.length + r.from.length * np));
  const cSize = Math.max(...list.map((r) => mpOf(r) * np));
  const two = list.length > 1 && _threads() > 1 && _heapFits(2 * abSize + cSize + 6);
  const offC = _heapAlloc(cSize);
  const ab = [_heapAlloc(abSize), two ? _heapAlloc(abSize) : -1];
  const H = _heapView();
  const regionOf = (i: number) => ab[two ? i % 2 : 0];
  // A and B of product i into its region.
  const stage = (i: number) => {
    const { X, base, ld, r0, rows, from, picks, W, norm } = list[i];
    const c = from.length, offA = regionOf(i), offB = offA + mpOf(list[i]) * c;
    H.fill(0, offA + rows * c, offB); // A's padding rows
    for (let r = 0; r < rows; r++) {
      const src = base + (r0 + r) * ld, dst = offA + r * c;
      for (let t = 0; t < c; t++) H[dst + t] = X[src + from[t]];
    }
    packArrowVectors(H, offB, c, n, np, picks, W, norm, place);
  };
  stage(0);
  for (let i = 0; i < list.length; i++) {
    const { X, base, ld, r0, rows, from } = list[i];
    const c = from.length, mp = mpOf(list[i]), offA = regionOf(i), offB = offA + mp * c;
    H.fill(0, offC, offC + mp * np); // C, but for the deflated entries below
    for (let r = 0; r < rows; r++) {
      const src = base + (r0 + r) * ld, out = offC + r * np;
      for (let t = 0; t < nd; t++) H[out + posDef[t]] = X[src + defCols[t]]; // B is zero in those columns
    }
    let next = i + 1 < list.length ? () => stage(i + 1) : undefined;
    for (let j0 = 0; j0 < np; j0 += GEMM_NC) { // column panels whose blocks of B stay in L2
      const nc = Math.min(GEMM_NC, np - j0);
      _panel(Kn, 8 * offA, 8 * c, 8 * (offB + j0 * c), 8 * (offC + j0), 8 * np, mp, nc / NR, c, 8 * NR, 8 * c * NR, true, two ? next : undefined);
      if (two) next = undefined;
    }
    for (let r = 0; r < rows; r++) X.set(H.subarray(offC + r * np, offC + r * np + n), base + (r0 + r) * ld);
    next?.(); // one region: the next product's operands once this one is done with it
  }
  _heapRelease(offC);
}

/**
 * B in strips of NR columns that run down all c rows: row t (the arrow's vector picks[t], scaled
 * by `norm`, in columns posRoot) puts column j at offB + ⌊j/NR⌋·c·NR + t·NR + j mod NR. Row p of
 * a strip is then at a fixed stride, so one _panel call takes all c rows (in blocks, see `panels`),
 * split across the threads once. Only the zero columns (deflated, and padding up to np) are
 * written as zeros, not all of B first.
 */
function packArrowVectors(H: Float64Array, offB: number, c: number, n: number, np: number, picks: number[], W: Float64Array, norm: Float64Array, place: Placement): void {
  const { posRoot, K, posDef } = place;
  const nd = posDef.length;
  const at = (j: number) => (j - (j % NR)) * c + (j % NR);
  const root = new Int32Array(K);
  for (let k = 0; k < K; k++) root[k] = at(posRoot[k]);
  const zero = Int32Array.from({ length: nd + np - n }, (_, q) => at(q < nd ? posDef[q] : n + q - nd));
  for (let t = 0; t < c; t++) {
    const w = picks[t] * K, row = offB + t * NR;
    for (let k = 0; k < K; k++) H[row + root[k]] = W[w + k] * norm[k];
    for (let q = 0; q < zero.length; q++) H[row + zero[q]] = 0;
  }
}

/** Columns ci, cj of the rows × · block at `base` become (c·ci + s·cj, -s·ci + c·cj). */
function rotateCols(X: Float64Array, base: number, ld: number, rows: number, ci: number, cj: number, c: number, s: number): void {
  for (let r = 0, p = base; r < rows; r++, p += ld) {
    const x = X[p + ci], y = X[p + cj];
    X[p + ci] = c * x + s * y;
    X[p + cj] = -s * x + c * y;
  }
}
