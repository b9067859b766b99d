/**
 * Parameters in the paper's symbols (Gu, Song, Yin & Zhang, arXiv:2302.11068): M is m × n of
 * rank k; |Ω| = c·n·k·ln n entries are observed; alternating minimisation runs T steps, its
 * approximate variant with `cgIters` CGLS iterations per row update.
 */
import type { Schema } from "../schema.js";
import type { Constraint } from "../types.js";

export interface MatrixCompletionParams {
  m: number;
  n: number;
  k: number;
  kappa: number;
  c: number;
  T: number;
  cgIters: number;
  successCs: number[];
  cClaim: number;
  trials: number;
  successTol: number;
  timingN: number;
  timingKs: number[];
  timingCs: number[];
  timingK: number;
  timingC: number;
  timingRepeats: number;
  timing: boolean;
}

export const params: Schema<MatrixCompletionParams> = {
  m: { type: "int", default: 100, min: 2, max: 2000, help: "rows m of M" },
  n: { type: "int", default: 100, min: 2, max: 2000, help: "columns n of M (|Ω| is counted in n·k·ln n)" },
  k: { type: "int", default: 4, min: 1, max: 100, help: "rank k of M = U diag(σ) Vᵀ (U, V Haar-random orthonormal: incoherent w.h.p.)" },
  kappa: { type: "number", default: 1, min: 1, max: 100, help: "condition number κ of M (σ evenly spaced from 1 down to 1/κ)" },
  c: { type: "number", default: 3, min: 0.05, max: 100, help: "sample constant of the convergence runs: |Ω| = c·n·k·ln n" },
  T: { type: "int", default: 30, min: 2, max: 1000, help: "alternating steps of every run (one step updates X, then Y)" },
  cgIters: { type: "int", default: 2, min: 1, max: 100, help: "CGLS iterations per row update of the approximate solver (warm-started from the previous row)" },
  successCs: { type: "number[]", default: [0.5, 1, 1.5, 2, 3], min: 0.05, max: 100, help: "sample constants c of the success-probability sweep" },
  cClaim: { type: "number", default: 3, min: 0.05, max: 100, help: "the c at which recovery is claimed (the paper's O(n k log n) with its constant unspecified: our choice, stated before the run)" },
  trials: { type: "int", default: 10, min: 1, max: 1000, help: "independent (M, Ω) draws per c of the success sweep (each run with both solvers from the same start)" },
  successTol: { type: "number", default: 1e-6, min: 1e-14, max: 1, help: "a trial succeeds when ‖XYᵀ − M‖_F/‖M‖_F ≤ successTol after T steps" },
  timingN: { type: "int", default: 1000, min: 10, max: 5000, help: "M is timingN × timingN in the timing runs" },
  timingKs: { type: "number[]", default: [4, 8, 16, 32], min: 1, max: 200, help: "ranks k of the timing runs (at c = timingC)" },
  timingCs: { type: "number[]", default: [2, 4, 8], min: 0.05, max: 100, help: "sample constants of the timing runs (at k = timingK); |Ω| grows with c" },
  timingK: { type: "int", default: 8, min: 1, max: 200, help: "rank of the |Ω| timing sweep" },
  timingC: { type: "number", default: 4, min: 0.05, max: 100, help: "sample constant of the k timing sweep" },
  timingRepeats: { type: "int", default: 5, min: 1, max: 100, help: "timed half-steps per point; the median is fitted" },
  timing: { type: "boolean", default: true, help: "measure wall time per half-step against k and |Ω| and judge the timing claims (off in quick: wall time at that size is noise, and a timed table differs from run to run)" },
};

/**
 * `paper`: the largest setting about a minute on 2 cores allows (the paper reports no experiments of
 * its own, see README); timingN = 1000 keeps |Ω| below n² at every timing point (c = 16, k = 8 and
 * c = 4, k = 32 sample 88% of the entries). `quick`: seconds, for tests, with the timing claims off.
 */
export const presets: Record<string, Partial<MatrixCompletionParams>> = {
  paper: {
    m: 300, n: 300, k: 5, c: 3, T: 40, cgIters: 2, successCs: [0.5, 1, 1.5, 2, 2.5, 3, 4], cClaim: 3, trials: 10,
    timingN: 1000, timingKs: [4, 8, 16, 32], timingCs: [2, 4, 8, 16], timingK: 8, timingC: 4, timingRepeats: 7, timing: true,
  },
  quick: {
    m: 60, n: 60, k: 3, c: 3, T: 40, cgIters: 2, successCs: [0.5, 1, 2, 3], cClaim: 3, trials: 6,
    timingN: 120, timingKs: [2, 4, 8], timingCs: [2, 4], timingK: 4, timingC: 2, timingRepeats: 3, timing: false,
  },
  reference: {},
};

/** c·n·k·ln n, unrounded: what a sample constant asks for before the cap at m·n. */
const asked = (c: number, n: number, k: number) => c * n * k * Math.log(n);

export const constraints: readonly Constraint<MatrixCompletionParams>[] = [
  (p) => (p.k <= Math.min(p.m, p.n) ? undefined : `k=${p.k} exceeds min(m, n)=${Math.min(p.m, p.n)}; allowed: k <= min(m, n)`),
  (p) =>
    p.cgIters < p.k
      ? undefined
      : `cgIters=${p.cgIters} with k=${p.k}; allowed: cgIters < k (with cgIters >= k, CGLS solves each k-unknown row exactly and costs O(|Ω|k²), so the approximate solver would be the exact one)`,
  (p) => (p.successCs.includes(p.cClaim) ? undefined : `cClaim=${p.cClaim} is not in successCs=${p.successCs.join(",")}; allowed: one of successCs`),
  (p) => (new Set(p.successCs).size === p.successCs.length ? undefined : `successCs=${p.successCs.join(",")} repeats a value; allowed: distinct sample constants`),
  (p) => {
    const c = Math.max(p.c, ...p.successCs);
    return asked(c, p.n, p.k) <= p.m * p.n
      ? undefined
      : `c/successCs up to ${c} ask for ${Math.round(asked(c, p.n, p.k))} samples of an ${p.m}×${p.n} matrix; allowed: c·n·k·ln n <= m·n for c and every successCs`;
  },
  (p) => (p.m * p.n <= 4_000_000 ? undefined : `m·n=${p.m * p.n} too large; allowed: m·n <= 4e6`),
  // The timing fields matter only when timing is on.
  (p) => (!p.timing || (Math.max(...p.timingKs) <= p.timingN && p.timingK <= p.timingN) ? undefined : `timingKs/timingK exceed timingN=${p.timingN}; allowed: every timing rank <= timingN`),
  (p) => (!p.timing || (new Set(p.timingKs).size >= 2 && new Set(p.timingCs).size >= 2) ? undefined : `timingKs=${p.timingKs.join(",")}, timingCs=${p.timingCs.join(",")}; allowed: at least 2 distinct values each (an exponent is fitted over them)`),
  (p) => {
    if (!p.timing) return undefined;
    const most = Math.max(asked(p.timingC, p.timingN, Math.max(...p.timingKs)), asked(Math.max(...p.timingCs), p.timingN, p.timingK));
    return most <= p.timingN ** 2
      ? undefined
      : `timing points ask for up to ${Math.round(most)} samples of a ${p.timingN}×${p.timingN} matrix; allowed: c·n·k·ln n <= timingN² at every timing point (raise timingN or lower timingC/timingCs/timingKs)`;
  },
  (p) => (!p.timing || p.timingN ** 2 <= 25_000_000 ? undefined : `timingN=${p.timingN} too large; allowed: timingN <= 5000`),
];
