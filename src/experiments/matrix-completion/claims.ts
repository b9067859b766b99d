/**
 * The paper's claims (Gu, Song, Yin & Zhang, arXiv:2302.11068, abstract and main result; the
 * theorem numbers could not be read here, see README), checked on this run's tables:
 * alternating minimisation with approximate (inexact, O(|Ω|k)-time) row updates still converges
 * linearly to M; recovery at |Ω| = c·n·k·ln n with either solver; time per iteration O(|Ω|k) for
 * the approximate solver against O(|Ω|k²) for exact least squares. Tolerances are fixed here,
 * before any run, and printed in the evidence.
 */
import { fixed, interval, percent, sci, tolerance } from "../evidence.js";
import type { Claim } from "../types.js";
import type { Solver } from "./model.js";
import type { MatrixCompletionParams } from "./params.js";
import { median } from "../median.js";
import { contraction, curveOf, exponents, rateWindow, successByC, type CurveRow, type MatrixCompletionResult, type SuccessRow, type TimingRow } from "./tables.js";
import { rowsOf } from "../rows.js";

/** Linear convergence: a fitted per-step contraction at most this (the paper states no numerical rate). */
export const CONTRACTION_MAX = tolerance(0.8, "our choice: linear convergence means a per-step factor bounded below 1; 0.8 set before any run");
/** The approximate solver's rate may be at most this much slower (ratio of ln-contractions). */
export const RATE_RATIO_MIN = tolerance(0.5, "our choice: ln(approx contraction)/ln(exact contraction) ≥ 0.5, i.e. at most twice the steps per decade");
/** A rate is a slope: at least this many steps above round-off to fit it on. */
export const FIT_POINTS_MIN = 3;
/** Success fraction required at cClaim, for each solver. */
export const SUCCESS_MIN = tolerance(0.9, "our choice: 'with high probability' read as ≥ 90% of trials");
/** The approximate updates must leave at least this part of each least-squares step undone, or they are exact in disguise. */
export const SOLVE_ERROR_MIN = tolerance(1e-3, "our choice: nine orders of magnitude above the exact solver's round-off, so the approximate runs are not exact ones");
/** The approximate solver's fitted exponent of (time/|Ω|) in k: 1 ± 0.5. */
export const APPROX_K_BAND = [0.5, 1.5] as const;
/** The exact solver's fitted exponent of (time/|Ω|) in k: 2 ± 0.6 (the Gram matrix is |Ω_i|k²/2 multiply-adds, the k³ Cholesky is smaller while |Ω_i| ≥ k). */
export const EXACT_K_BAND = [1.4, 2.6] as const;
/** Both solvers' fitted exponent of time in |Ω| at fixed k: 1 ± 0.3. */
export const OMEGA_BAND = [0.7, 1.3] as const;
export const TIMING_SOURCE = "bands set before any run around the abstract's Õ(|Ω|k) and prior work's Õ(|Ω|k²); wall times are medians of repeated half-steps";

const inside = (x: number, [lo, hi]: readonly [number, number]) => x >= lo && x <= hi;

export function claims(r: MatrixCompletionResult, p: MatrixCompletionParams): Claim[] {
  const curves = rowsOf<CurveRow>(r.tables.curves);
  const success = rowsOf<SuccessRow>(r.tables.success);
  const out: Claim[] = [];

  const exact = curveOf(curves, "exact"), approx = curveOf(curves, "approx");
  const ce = contraction(exact), ca = contraction(approx);
  const fe = exact[exact.length - 1]?.error ?? NaN, fa = approx[approx.length - 1]?.error ?? NaN;
  const ratio = Math.log(ca.factor) / Math.log(ce.factor);
  const gap = median(rateWindow(approx).map((c) => c.solveError));
  out.push({
    id: "approx-converges-linearly",
    statement:
      "Alternating minimisation with approximate row updates (a few CGLS iterations, O(|Ω|k) a step) still converges linearly to M, " +
      "at a rate comparable to exact least-squares updates (paper: robust alternating minimisation tolerates inexact updates, abstract and main theorem)",
    holds:
      fa <= p.successTol && ca.points >= FIT_POINTS_MIN && ce.points >= FIT_POINTS_MIN &&
      ca.factor <= CONTRACTION_MAX.value && ratio >= RATE_RATIO_MIN.value,
    evidence:
      `after ${p.T} steps at c=${p.c}: approx error ${sci(fa)}, exact ${sci(fe)} (need approx ≤ ${sci(p.successTol)}); ` +
      `fitted contraction per step approx ${fixed(ca.factor, 3)} over ${ca.points} steps, exact ${fixed(ce.factor, 3)} over ${ce.points} ` +
      `(need ≥ ${FIT_POINTS_MIN} steps above round-off each, approx ≤ ${CONTRACTION_MAX.value}; ${CONTRACTION_MAX.source}); ` +
      `rate ratio ${fixed(ratio)} (need ≥ ${RATE_RATIO_MIN.value}; ${RATE_RATIO_MIN.source}); ` +
      `each approximate update left a median ${sci(gap)} of its least-squares step undone`,
    paper: "linear convergence with approximate updates; no numerical rate (Gu, Song, Yin & Zhang 2023, arXiv:2302.11068, main theorem)",
  });

  const bySolver = (s: Solver) => {
    const by = successByC(success, s);
    return { by, atClaim: by.find((x) => x.c === p.cClaim), smallest: by[0] };
  };
  const se = bySolver("exact"), sa = bySolver("approx");
  const atClaimOk = (s: typeof se) => s.atClaim !== undefined && s.atClaim.fraction >= SUCCESS_MIN.value;
  const line = (name: string, s: typeof se) =>
    `${name}: ${s.atClaim ? percent(s.atClaim.fraction) : "missing"} of ${s.atClaim?.trials ?? 0} trials at c=${p.cClaim} ` +
    `(all c: ${s.by.map((x) => `${x.c}: ${percent(x.fraction, 0)}`).join(", ")})`;
  out.push({
    id: "recovery-at-sample-complexity",
    statement:
      `With |Ω| = c·n·k·ln n uniformly sampled entries at c = ${p.cClaim}, alternating minimisation recovers M (error ≤ ${sci(p.successTol)}) with high probability, ` +
      "with approximate updates as with exact ones (paper: the robust algorithm keeps the sample complexity of exact alternating minimisation, |Ω| nearly linear in n)",
    holds: atClaimOk(sa) && atClaimOk(se),
    evidence:
      `|Ω|=${sa.atClaim?.omega ?? se.atClaim?.omega ?? "missing"} at c=${p.cClaim}; ${line("approx", sa)}; ${line("exact", se)} ` +
      `(need ≥ ${percent(SUCCESS_MIN.value, 0)} for each; ${SUCCESS_MIN.source})`,
    paper: "|Ω| nearly linear in n suffices, as for exact alternating minimisation; a bound with unspecified constants and no experiments (arXiv:2302.11068)",
  });

  const spans = (s: typeof se) => s.smallest !== undefined && s.atClaim !== undefined && s.smallest.c < p.cClaim && s.smallest.fraction < s.atClaim.fraction;
  out.push({
    id: "fails-below-threshold",
    kind: "sanity",
    statement: "The success sweep spans the transition: at the smallest c recovery fails more often than at the claimed c, for both solvers (so the sweep measures something)",
    holds: spans(se) && spans(sa),
    evidence: (["exact", "approx"] as const)
      .map((name) => {
        const s = name === "exact" ? se : sa;
        return `${name}: ${s.smallest ? percent(s.smallest.fraction) : "missing"} at c=${s.smallest?.c} against ${s.atClaim ? percent(s.atClaim.fraction) : "missing"} at c=${p.cClaim}`;
      })
      .join("; "),
  });

  out.push({
    id: "approx-updates-inexact",
    kind: "sanity",
    statement: "The approximate updates are approximate: each leaves a measurable part of the exact least-squares step undone (so the convergence claim tests robustness, not an exact solver)",
    holds: gap >= SOLVE_ERROR_MIN.value,
    evidence:
      `median over the approximate run's steps above round-off of ‖X⁺ − X_LS‖/‖X − X_LS‖ (both half-steps): ${sci(gap)} with ${p.cgIters} CGLS iteration(s) per row at k=${p.k} ` +
      `(need ≥ ${sci(SOLVE_ERROR_MIN.value)}; ${SOLVE_ERROR_MIN.source})`,
  });

  // Wall-time claims only where times were measured: with timing off there is nothing to judge, so no verdict.
  if (p.timing) {
    const timing = rowsOf<TimingRow>(r.tables.timing);
    const ea = exponents(timing, "approx"), ee = exponents(timing, "exact");
    out.push({
      id: "time-scales-omega-k",
      statement:
        "Time per iteration grows like |Ω|·k for the approximate solver and like |Ω|·k² for exact least squares (paper: Õ(|Ω|k) against Õ(|Ω|k²) of prior alternating minimisation)",
      holds: inside(ea.k, APPROX_K_BAND) && inside(ee.k, EXACT_K_BAND) && ee.k > ea.k,
      evidence:
        `fitted exponent of median time/|Ω| in k over k ∈ {${p.timingKs.join(", ")}} (n=${p.timingN}, c=${p.timingC}): approx ${fixed(ea.k)} (band ${interval(...APPROX_K_BAND)}), ` +
        `exact ${fixed(ee.k)} (band ${interval(...EXACT_K_BAND)}; and exact > approx); ${TIMING_SOURCE}`,
      paper: "Õ(|Ω|k) per iteration against Õ(|Ω|k²) for exact alternating minimisation: exponents 1 and 2 in k (arXiv:2302.11068)",
    });
    out.push({
      id: "time-linear-in-omega",
      statement: "At fixed k, time per iteration of both solvers grows linearly in |Ω| (nearly linear time)",
      holds: inside(ea.omega, OMEGA_BAND) && inside(ee.omega, OMEGA_BAND),
      evidence:
        `fitted exponent of median time in |Ω| over c ∈ {${p.timingCs.join(", ")}} at k=${p.timingK}: approx ${fixed(ea.omega)}, exact ${fixed(ee.omega)} (band ${interval(...OMEGA_BAND)}; ${TIMING_SOURCE})`,
      paper: "nearly linear time: exponent 1 in |Ω| (arXiv:2302.11068)",
    });
  }
  return out;
}
