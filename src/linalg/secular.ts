/**
 * Roots of the secular equation of the divide-and-conquer SVD merge,
 *
 *   f(σ²) = 1 + Σⱼ zⱼ² / (dⱼ² - σ²) = 0,      0 = d₀ < d₁ < … < d_{K-1}, every zⱼ ≠ 0,
 *
 * whose K roots interlace the poles: d_k < σ_k < d_{k+1}, and d_{K-1} < σ_{K-1}² ≤ d_{K-1}² + ‖z‖².
 *
 * Each root is stored relative to its nearer pole, σ_k² = d_o² + μ_k (origin o = k or k+1),
 * because the differences σ_k² - dⱼ² = (d_o - dⱼ)(d_o + dⱼ) + μ_k that the singular vectors need
 * then come out to full relative accuracy, even for roots a rounding error away from a pole
 * (Gu & Eisenstat 1995, "A divide-and-conquer algorithm for the bidiagonal SVD", SIAM J. Matrix
 * Anal. Appl. 16(1); LAPACK dlasd4 solves the same equation).
 *
 * The iteration is the "middle way" of Li (1993, LAPACK Working Note 89): near the current
 * point f is modelled by c + s/(δ_k - x) + S/(δ_{k+1} - x), matching the value and slope of the
 * terms left and right of the root's interval, and the model's root is taken. A bracket that every
 * evaluation shrinks catches a step that leaves it, and bisection takes over there.
 */

const EPS = 2 ** -52;
const MAX_ITER = 200;

/**
 * Solves for all K roots. Inputs d (ascending, d[0] = 0) and z; outputs origin[k], mu[k]
 * (σ_k² = d[origin]² + mu) and sigma[k]. `delta` is scratch of length K.
 */
export function _secularRoots(K: number, d: Float64Array, z: Float64Array,
  origin: Int32Array, mu: Float64Array, sigma: Float64Array, delta: Float64Array): void {
  if (K === 1) {
    origin[0] = 0;
    mu[0] = z[0] * z[0];
    sigma[0] = Math.abs(z[0]);
    return;
  }
  let zz = 0;
  for (let j = 0; j < K; j++) zz += z[j] * z[j];
  for (let k = 0; k < K; k++) {
    let o: number, lo: number, hi: number, x: number;
    if (k < K - 1) {
      const gap = (d[k + 1] - d[k]) * (d[k + 1] + d[k]);
      setDelta(K, d, k, delta);
      const mid = gap / 2;
      if (evaluate(K, z, delta, mid) >= 0) {
        o = k; lo = 0; hi = mid;
      } else {
        o = k + 1; setDelta(K, d, o, delta);
        lo = mid - gap; hi = 0;
      }
      x = o === k ? hi : lo; // the bracket end that is not a pole
    } else {
      o = k; setDelta(K, d, o, delta);
      lo = 0; hi = zz;
      x = hi;
    }
    // the root lies between the poles k and k+1 (for the last root, right of poles K-2 and K-1)
    const left = k < K - 1 ? k : k - 1;
    for (let it = 0; it < MAX_ITER; it++) {
      let psi = 0, dpsi = 0, phi = 0, dphi = 0, erretm = 0;
      for (let j = 0; j <= left; j++) {
        const t = z[j] / (delta[j] - x);
        psi += z[j] * t;
        dpsi += t * t;
        erretm += Math.abs(z[j] * t);
      }
      for (let j = left + 1; j < K; j++) {
        const t = z[j] / (delta[j] - x);
        phi += z[j] * t;
        dphi += t * t;
        erretm += Math.abs(z[j] * t);
      }
      const w = 1 + psi + phi;
      if (w > 0) hi = x;
      else if (w < 0) lo = x;
      if (w === 0 || Math.abs(w) <= 8 * EPS * (1 + erretm) || hi - lo <= 4 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
      const D1 = delta[left] - x, D2 = delta[left + 1] - x;
      const a = (D1 + D2) * w - D1 * D2 * (dpsi + dphi);
      const b = D1 * D2 * w;
      const c = w - D1 * dpsi - D2 * dphi;
      let next = NaN;
      if (c === 0) {
        if (a !== 0) next = x + b / a;
      } else {
        const disc = a * a - 4 * b * c;
        if (disc >= 0) {
          const q = a >= 0 ? (a + Math.sqrt(disc)) / 2 : (a - Math.sqrt(disc)) / 2;
          const r1 = x + q / c;
          const r2 = q !== 0 ? x + b / q : NaN;
          const in1 = r1 > lo && r1 < hi, in2 = r2 > lo && r2 < hi;
          if (in1 && in2) next = Math.abs(r1 - x) < Math.abs(r2 - x) ? r1 : r2;
          else if (in1) next = r1;
          else if (in2) next = r2;
        }
      }
      if (!(next > lo && next < hi)) next = lo + (hi - lo) / 2;
      if (next === x) break;
      x = next;
    }
    origin[k] = o;
    mu[k] = x;
    sigma[k] = Math.sqrt(d[o] * d[o] + x);
  }
}

/** delta[j] = d[j]² - d[o]², as a product of a difference and a sum so no digits cancel. */
function setDelta(K: number, d: Float64Array, o: number, delta: Float64Array): void {
  const dO = d[o];
  for (let j = 0; j < K; j++) delta[j] = (d[j] - dO) * (d[j] + dO);
  delta[o] = 0;
}

function evaluate(K: number, z: Float64Array, delta: Float64Array, x: number): number {
  let f = 1;
  for (let j = 0; j < K; j++) f += (z[j] * z[j]) / (delta[j] - x);
  return f;
}
