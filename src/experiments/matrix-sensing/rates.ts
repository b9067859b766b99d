/**
 * Convergence rates read off an error curve, the way one reads the paper's log-y plots:
 * a linear rate is the slope of ln‖X_t − M*‖ against t, a sublinear one the slope of
 * ln‖X_t − M*‖ against ln t. Both are least-squares fits over a stated window, so every number
 * a claim uses can be recomputed from the curve table.
 */
import { lineFit } from "../lineFit.js";

/** Below this relative error float64 round-off starts to flatten the curve; fits stop here. */
export const FLOOR = 1e-10;

export interface RateFit {
  /** −d ln(error)/dt: the linear rate per iteration (0 when the error does not fall). */
  rate: number;
  /** d ln(error)/d ln t over the same window: about −1 to −2 for a Θ(1/t)–Θ(1/t²) decay. */
  loglogSlope: number;
  /** How straight the curve is on log-y (1 = a perfect line, i.e. linear convergence). */
  r2: number;
  /** RMS residual of the log-y line and of the log-log line: the smaller one describes the curve better. */
  rmsLinear: number;
  rmsPower: number;
  from: number;
  to: number;
  points: number;
}

/**
 * The late window of a curve: it ends where the error first reaches FLOOR (or at the last
 * iteration) and starts halfway there, and never before `notBefore` (e.g. the one-step
 * method's switch). Early transients (the saddle escape from small α) fall outside it.
 */
export function lateWindow(iters: ArrayLike<number>, errors: ArrayLike<number>, notBefore = 0): [number, number] {
  let end = iters.length - 1;
  for (let i = 0; i < iters.length; i++) {
    if (errors[i] <= FLOOR) {
      end = i;
      break;
    }
  }
  const from = Math.max(iters[end] / 2, notBefore);
  let start = 0;
  while (start < end && iters[start] < from) start++;
  return [start, end];
}

export function fitRate(iters: ArrayLike<number>, errors: ArrayLike<number>, notBefore = 0): RateFit {
  const [s, e] = lateWindow(iters, errors, notBefore);
  const t: number[] = [], lt: number[] = [], le: number[] = [];
  for (let i = s; i <= e; i++) {
    t.push(iters[i]);
    lt.push(Math.log(Math.max(iters[i], 1)));
    le.push(Math.log(errors[i]));
  }
  const lin = lineFit(t, le);
  const pow = lineFit(lt, le);
  return {
    rate: -lin.slope,
    loglogSlope: pow.slope,
    r2: lin.r2,
    rmsLinear: lin.rms,
    rmsPower: pow.rms,
    from: iters[s],
    to: iters[e],
    points: t.length,
  };
}
