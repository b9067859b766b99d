/** Exact rescaling by powers of two, to keep squares and products inside the floating-point range. */

/** 2^k with 2^k · max|x| in [0.5, 1), or 1 when x is all zero. */
export function _powerOfTwoScale(x: Float64Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]));
  if (max === 0 || !Number.isFinite(max)) return 1;
  const k = Math.floor(Math.log2(max)) + 1;
  return 2 ** -Math.max(-1020, Math.min(1020, k));
}

/**
 * A power of two that brings max|aᵢⱼ| near 1 when it lies outside [2⁻⁴⁸⁵, 2⁴⁸⁵], else 1 (as
 * LAPACK's drivers do): the products inside the factorisations would otherwise over- or
 * underflow. Powers of two scale exactly.
 */
export function _extremeScale(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  if (max === 0 || (max >= 2 ** -485 && max <= 2 ** 485)) return 1;
  return _powerOfTwoScale(a);
}
