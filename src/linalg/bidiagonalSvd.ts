import { _jacobiRows } from "./jacobiSvd.js";
import { _mergeBidiagonal, _rotateScratch, type DcState } from "./mergeBidiagonal.js";
import { _heapAlloc, _heapFits, _heapRelease, _heapView, _kernels } from "./wasm/kernels.js";

/** B = U diag(s) Vᵀ for an n × n upper bidiagonal B; s ascending, U and V n × n orthogonal. */
export interface BidiagonalSvd {
  s: Float64Array; // [n]
  U: Float64Array; // [n, n] row-major, columns are left singular vectors
  V: Float64Array; // [n, n] row-major, columns are right singular vectors
}

/** Subproblems this small are solved directly (LAPACK's dbdsdc uses 25). */
export const LEAF = 24;

/**
 * Divide-and-conquer SVD of the upper bidiagonal matrix with diagonal d (length n) and
 * superdiagonal e (length n-1), following Gu & Eisenstat (1995, SIAM J. Matrix Anal. Appl.
 * 16(1), "A divide-and-conquer algorithm for the bidiagonal SVD") as LAPACK's dbdsdc does.
 *
 * Removing row k splits B into an upper block B₁ (k × (k+1)) and a lower block B₂; their SVDs
 * and the removed row combine into an n × n "arrow" matrix whose SVD comes from a secular
 * equation (mergeBidiagonal.ts). Nearly all the work is the products that rotate the children's
 * singular vectors into the parent's, so it runs at matrix-multiply speed, where the classic
 * Golub–Kahan QR iteration spends ~12n³ flops on Givens rotations.
 */
export function _bidiagonalSvd(d: Float64Array, e: Float64Array, n: number): BidiagonalSvd {
  const st: DcState = { N: n, d: new Float64Array(d), e: new Float64Array(e), U: new Float64Array(n * n), V: new Float64Array(n * n) };
  if (n > 0) solve(st, 0, n, 0);
  return { s: st.d, U: st.U, V: st.V };
}

/** _bidiagonalSvd's U and V left in the kernels' memory, n² doubles each from offsets u and v. */
export interface ResidentBidiagonalSvd {
  s: Float64Array;
  u: number;
  v: number;
  /** Release with _heapRelease(base) once U and V have been read. */
  base: number;
}

/**
 * _bidiagonalSvd with its U, V and scratch in the kernels' memory rather than in fresh arrays,
 * for svd, which reads U and V straight into the back-transformation's own copy (reflectors.ts).
 * That memory stays mapped from one call to the next, where every fresh large array costs a
 * page fault per 4 KiB on first touch (~2.5 ms per MiB here): 4n² doubles of them, plus the two
 * n² copies svd made to reverse the columns. Null where WebAssembly is unavailable, or where the
 * run's 4n² doubles and scratch, or U, V and the `after` doubles the caller takes on top while it
 * reads them, would make the memory larger than is kept between calls (for a square svd, n above
 * ~1150). Same results as _bidiagonalSvd.
 */
export function _bidiagonalSvdResident(d: Float64Array, e: Float64Array, n: number, after: number): ResidentBidiagonalSvd | null {
  const nn = n * n;
  if (_kernels() === null || !_heapFits(Math.max(4 * nn + _rotateScratch(n), 2 * nn + after))) return null;
  const base = _heapAlloc(4 * nn);
  // Reserve the merges' products too, so the memory never grows (detaching the views) meanwhile.
  _heapRelease(_heapAlloc(_rotateScratch(n)));
  const H = _heapView();
  H.fill(0, base, base + 2 * nn); // U and V start as zeros, as fresh arrays would
  const view = (i: number) => H.subarray(base + i * nn, base + (i + 1) * nn);
  const st: DcState = { N: n, d: new Float64Array(d), e: new Float64Array(e), U: view(0), V: view(1), Ut: view(2), Vt: view(3) };
  if (n > 0) solve(st, 0, n, 0);
  _heapRelease(base + 2 * nn); // Ut and Vt were scratch
  return { s: st.d, u: base, v: base + nn, base };
}

/**
 * The subproblem with rows start … start+n-1 is n × (n + sqre): diagonal d[start…], superdiagonal
 * e[start…] with n - 1 + sqre entries. Its U goes to the n × n block of st.U at (start, start), its
 * V to the (n+sqre)-square block of st.V at (start, start) with the null vector last when
 * sqre = 1, and its singular values, ascending, to d[start…].
 */
function solve(st: DcState, start: number, n: number, sqre: number): void {
  if (n <= LEAF) {
    leaf(st, start, n, sqre);
    return;
  }
  const nl = n >> 1;
  const nr = n - nl - 1;
  const alpha = st.d[start + nl];
  const beta = st.e[start + nl];
  solve(st, start, nl, 1);
  solve(st, start + nl + 1, nr, sqre);
  _mergeBidiagonal(st, start, nl, nr, sqre, alpha, beta);
}

/** Small subproblems: dense one-sided Jacobi, output reordered to ascending singular values. */
function leaf(st: DcState, start: number, n: number, sqre: number): void {
  const { N, d, e, U, V } = st;
  const q = n + sqre;
  const Y = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    Y[i * q + i] = d[start + i];
    if (i + 1 < q) Y[i * q + i + 1] = e[start + i];
  }
  const { s, U: Uj, Vt } = _jacobiRows(Y, n, q, true);
  const base = start * N + start;
  for (let c = 0; c < n; c++) {
    const src = n - 1 - c;
    d[start + c] = s[src];
    for (let r = 0; r < n; r++) U[base + r * N + c] = Uj[r * n + src];
    for (let r = 0; r < q; r++) V[base + r * N + c] = Vt[src * q + r];
  }
  if (sqre) for (let r = 0; r < q; r++) V[base + r * N + n] = Vt[n * q + r];
}
