import { rng } from "../compute/rng.js";
import { _powerOfTwoScale } from "./scaling.js";

/**
 * Singular values and a few singular vectors of an n × n upper bidiagonal B (diagonal d,
 * superdiagonal e) through its Golub–Kahan form: the 2n × 2n symmetric tridiagonal T with a zero
 * diagonal and off-diagonal (d₀, e₀, d₁, e₁, …, d_{n-1}), whose eigenvalues are ±σᵢ and whose
 * eigenvector for +σ interleaves B's singular vectors, (v₀, u₀, v₁, u₁, …)/√2 (Golub & Kahan
 * 1965; Demmel, Applied Numerical Linear Algebra, §5.4.1). Both parts cost O(n²) for the values
 * and O(n) per vector, where the divide-and-conquer SVD with vectors costs O(n³): the way to all
 * of σ and the top k vectors when k ≪ n (as LAPACK's dgesvdx does with bisection).
 */

/**
 * All eigenvalues of the symmetric tridiagonal with diagonal a (length N) and off-diagonal b
 * (length N - 1), ascending; a and b are overwritten. Implicit QL with Wilkinson shifts, values
 * only (EISPACK tql1; Bowdler, Martin, Reinsch & Wilkinson 1968): absolute error a modest
 * multiple of ε‖T‖, as for any backward-stable method.
 */
export function _tridiagonalEigenvalues(a: Float64Array, b: Float64Array): Float64Array {
  const N = a.length;
  const e = new Float64Array(N); // e[i] couples i and i + 1; e[N-1] = 0
  e.set(b.subarray(0, N - 1));
  // A coupling below ε‖T‖ splits the matrix, as in tql1, besides one negligible beside its two
  // diagonal entries: where a cluster of eigenvalues sits at zero (a rank-deficient B) those
  // entries are themselves ~ε‖T‖, and the relative test alone would never split them off.
  let norm = 0;
  for (let i = 0; i < N; i++) norm = Math.max(norm, Math.abs(a[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
  const tiny = Number.EPSILON * norm;
  for (let l = 0; l < N; l++) {
    for (let iter = 0; ; iter++) {
      let m = l;
      for (; m < N - 1; m++) {
        const dd = Math.abs(a[m]) + Math.abs(a[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd || Math.abs(e[m]) <= tiny) break;
      }
      if (m === l) break;
      if (iter === 90) throw new Error("tridiagonal QL did not converge"); // it takes about 2 per value
      let g = (a[l + 1] - a[l]) / (2 * e[l]);
      let r = Math.sqrt(g * g + 1); // g² may overflow to ∞ only when e[l] is negligible, and then e[l]/∞ = 0 is right
      g = a[m] - a[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1, c = 1, p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i], h = c * e[i];
        r = Math.sqrt(f * f + g * g);
        e[i + 1] = r;
        if (r === 0) { // deflation: recover and retry
          a[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = a[i + 1] - p;
        r = (a[i] - g) * s + 2 * c * h;
        p = s * r;
        a[i + 1] = g + p;
        g = c * r - h;
      }
      if (r === 0 && i >= l) continue;
      a[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return a.sort();
}

/** The singular values of B, descending, all ≥ 0. */
export function _bidiagonalValues(d: Float64Array, e: Float64Array, n: number): Float64Array {
  const off = new Float64Array(2 * n - 1);
  for (let i = 0; i < n; i++) {
    off[2 * i] = d[i];
    if (i < n - 1) off[2 * i + 1] = e[i];
  }
  // exactly scaled to max |entry| in [0.5, 1), so that the rotations' f² + g² cannot over- or underflow where it matters
  const scale = _powerOfTwoScale(off);
  for (let i = 0; i < off.length; i++) off[i] *= scale;
  const ev = _tridiagonalEigenvalues(new Float64Array(2 * n), off); // ascending: −σ's then +σ's
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) s[j] = Math.max(0, ev[2 * n - 1 - j]) / scale;
  return s;
}

/**
 * Left and right singular vectors of B for the given singular values (descending, well above
 * zero), by inverse iteration on T (LAPACK dstein): three solves with T − σI from a seeded random
 * start, each followed by Gram–Schmidt against the earlier vectors of its cluster (values closer
 * than 10⁻³‖B‖, dstein's grouping) so that close values still get orthogonal vectors. Returns
 * U and V row-major n × k.
 */
export function _bidiagonalVectors(d: Float64Array, e: Float64Array, n: number, sigma: Float64Array): { U: Float64Array; V: Float64Array } {
  const k = sigma.length, N = 2 * n;
  const off = new Float64Array(N - 1);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    off[2 * i] = d[i];
    if (i < n - 1) off[2 * i + 1] = e[i];
  }
  for (let i = 0; i < N; i++) norm = Math.max(norm, (i > 0 ? Math.abs(off[i - 1]) : 0) + (i < N - 1 ? Math.abs(off[i]) : 0));
  const X: Float64Array[] = [];
  const r = rng(0x6b);
  const lu = tridiagonalLu(N);
  for (let j = 0; j < k; j++) {
    // shift a hair away from σ so T − σI is not exactly singular (dstein perturbs likewise)
    lu.factor(off, sigma[j] + norm * Number.EPSILON * 10);
    let x = r.normals(N);
    let first = j;
    while (first > 0 && sigma[first - 1] - sigma[j] <= 1e-3 * norm) first--;
    for (let it = 0; it < 3; it++) {
      scaleToUnit(x);
      x = lu.solve(x);
      for (let i = first; i < j; i++) {
        const y = X[i];
        let dot = 0;
        for (let t = 0; t < N; t++) dot += x[t] * y[t];
        for (let t = 0; t < N; t++) x[t] -= dot * y[t];
      }
    }
    scaleToUnit(x);
    X.push(x);
  }
  const U = new Float64Array(n * k), V = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    const x = X[j];
    let nu = 0, nv = 0;
    for (let i = 0; i < n; i++) {
      nv += x[2 * i] ** 2;
      nu += x[2 * i + 1] ** 2;
    }
    nu = Math.sqrt(nu);
    nv = Math.sqrt(nv);
    for (let i = 0; i < n; i++) {
      V[i * k + j] = x[2 * i] / nv;
      U[i * k + j] = x[2 * i + 1] / nu;
    }
  }
  return { U, V };
}

function scaleToUnit(x: Float64Array): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  s = 1 / Math.sqrt(s);
  for (let i = 0; i < x.length; i++) x[i] *= s;
}

/**
 * LU with partial pivoting of T − λI for the zero-diagonal tridiagonal T with off-diagonal
 * `off` (LAPACK dgttrf), and solves with it (dgttrs); a zero pivot is replaced by ε·‖T‖-sized one,
 * as inverse iteration wants a huge, not an infinite, solution.
 */
function tridiagonalLu(N: number) {
  const dl = new Float64Array(N), dg = new Float64Array(N), du = new Float64Array(N), du2 = new Float64Array(N);
  const swap = new Uint8Array(N);
  let tiny = Number.MIN_VALUE;
  return {
    factor(off: Float64Array, lambda: number): void {
      tiny = Math.max(Number.MIN_VALUE, Math.abs(lambda) * Number.EPSILON);
      for (let i = 0; i < N; i++) {
        dg[i] = -lambda;
        du[i] = i < N - 1 ? off[i] : 0;
        dl[i] = i < N - 1 ? off[i] : 0;
        du2[i] = 0;
      }
      for (let i = 0; i < N - 1; i++) {
        if (Math.abs(dg[i]) >= Math.abs(dl[i])) { // no row interchange
          swap[i] = 0;
          if (dg[i] === 0) dg[i] = tiny;
          const f = dl[i] / dg[i];
          dl[i] = f;
          dg[i + 1] -= f * du[i];
        } else { // interchange rows i and i + 1
          swap[i] = 1;
          const f = dg[i] / dl[i];
          dg[i] = dl[i];
          dl[i] = f;
          const t = du[i];
          du[i] = dg[i + 1];
          dg[i + 1] = t - f * dg[i + 1];
          if (i < N - 2) {
            du2[i] = du[i + 1];
            du[i + 1] = -f * du[i + 1];
          }
        }
      }
      if (dg[N - 1] === 0) dg[N - 1] = tiny;
    },
    solve(b: Float64Array): Float64Array {
      const x = new Float64Array(b);
      for (let i = 0; i < N - 1; i++) { // L
        if (swap[i]) {
          const t = x[i];
          x[i] = x[i + 1];
          x[i + 1] = t - dl[i] * x[i + 1];
        } else x[i + 1] -= dl[i] * x[i];
      }
      x[N - 1] /= dg[N - 1]; // U
      if (N > 1) x[N - 2] = (x[N - 2] - du[N - 2] * x[N - 1]) / dg[N - 2];
      for (let i = N - 3; i >= 0; i--) x[i] = (x[i] - du[i] * x[i + 1] - du2[i] * x[i + 2]) / dg[i];
      return x;
    },
  };
}
