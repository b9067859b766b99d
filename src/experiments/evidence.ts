/**
 * What every experiment's claims share: one way to write numbers into evidence, and tolerances
 * as named constants that carry where they come from. A tolerance is fixed before a run, in
 * code and in the experiment's README, never widened after seeing a result.
 */

/** A number as evidence: three significant digits, exponent notation when very large or small. */
export function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3)) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/** Always in exponent notation (errors, rates): `1.23e-10`. */
export const sci = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toExponential(digits - 1) : String(x));

/** A fixed number of decimals (slopes, correlations, R²): `-0.98`. */
export const fixed = (x: number, decimals = 2): string => (Number.isFinite(x) ? x.toFixed(decimals) : String(x));

/** A fraction as a percentage: `0.912` → `91.2%`. */
export const percent = (x: number, decimals = 1): string => (Number.isFinite(x) ? `${(100 * x).toFixed(decimals)}%` : String(x));

/** A number a claim is tested against, and where it comes from (a paper's theorem, table, or our choice and why). */
export interface Tolerance {
  readonly value: number;
  readonly source: string;
}

export const tolerance = (value: number, source: string): Tolerance => Object.freeze({ value, source });

/** `[lo, hi]` as evidence. */
export const interval = (lo: number, hi: number, format: (x: number) => string = num): string => `[${format(lo)}, ${format(hi)}]`;
