/**
 * The straight-line fit the claims use for rates and exponents (ln error against t, ln rate
 * against ln α, ln time against ln k): ordinary least squares, with the goodness of fit a claim
 * needs to say whether the line describes the data at all.
 */

export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination; 1 when y does not vary. */
  r2: number;
  /** Root-mean-square residual, in y's units. */
  rms: number;
}

/** Ordinary least squares y ≈ slope·x + intercept. Fewer than two points fit nothing: every field is NaN. */
export function lineFit(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const n = x.length;
  if (n < 2) return { slope: NaN, intercept: NaN, r2: NaN, rms: NaN };
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - slope * x[i] - intercept) ** 2;
  return { slope, intercept, r2: syy > 0 ? 1 - rss / syy : 1, rms: Math.sqrt(rss / n) };
}
