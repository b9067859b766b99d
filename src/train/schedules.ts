/**
 * Learning-rate schedules: η_t for step t (0-based) of T. Pure functions of (t, T, η), so a run's
 * schedule is fixed by its params.
 */
export type Schedule = (t: number, T: number, lr: number) => number;

export const constant: Schedule = (_t, _T, lr) => lr;

/**
 * Linear warm-up to η over the first `fraction` of the steps, then linear decay to 0 at T: the
 * schedule of RoBERTa fine-tuning (Liu et al. 2019), which Shuttleworth et al. follow (6% warm-up).
 */
export function warmupLinearDecay(fraction: number): Schedule {
  return (t, T, lr) => {
    const w = Math.max(1, Math.round(fraction * T));
    return t < w ? (lr * (t + 1)) / w : (lr * (T - t)) / Math.max(1, T - w);
  };
}

/** Half a cosine from η to 0 over T steps (Loshchilov & Hutter 2017, without restarts). */
export const cosine: Schedule = (t, T, lr) => 0.5 * lr * (1 + Math.cos((Math.PI * t) / Math.max(1, T)));
