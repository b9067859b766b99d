/**
 * The contract every paper family implements. The CLI, sweeps, widgets, notebooks and the
 * report only ever see these types, so adding an experiment never touches them.
 *
 * A run's result is tables and metrics only: claims and figures are functions of
 * `(result, params)`, so a result read back from the sweep cache is judged and drawn exactly
 * as a fresh one.
 */
import type { ColumnTable } from "arquero";
import type { Rng } from "../compute/rng.js";
import type { Figure } from "../plot/figure.js";
import type { Schema } from "./schema.js";

/** A paper an experiment reproduces, and which of its figures or tables. */
export interface PaperRef {
  title: string;
  authors: string;
  year: number;
  arxiv?: string;
  /** What we reproduce from it, e.g. "Figure 1". */
  reproduces: string;
}

/** One of the paper's claims, checked against this run's own numbers. */
export interface Claim {
  id: string;
  statement: string;
  holds: boolean;
  /** The measured numbers the verdict rests on, in words a reader can check. */
  evidence: string;
  /**
   * The paper's own number or finding for this claim, with where it stands in the paper
   * ("FC d_int90 = 750, Fig. 4"), shown beside ours. Absent for sanity checks and for claims
   * whose paper states a direction rather than a number.
   */
  paper?: string;
  /**
   * "claim" (the default): evidence for or against the paper. "sanity": a check that the run
   * is sound (an algebraic identity, a solver that converged); shown apart and not counted
   * among the paper's claims.
   */
  kind?: "claim" | "sanity";
}

/** Called as work proceeds; `done` of `total` units, with an optional label for the unit in flight. */
export type ProgressFn = (done: number, total: number, label?: string) => void;

export interface RunContext {
  seed: number;
  /** Seeded from `seed`; the only source of randomness a run may use. */
  rng: Rng;
  /** Every call is passed on; long loops call `checkpoint` instead, which throttles. */
  progress: ProgressFn;
  /** Aborted when the user interrupts. */
  signal?: AbortSignal;
  /**
   * The one call a long loop makes between steps: throws the abort reason if the run was
   * interrupted, reports progress when it moved by a percent, and yields to the event loop
   * (at most every 50 ms) so that an interrupt or a widget message can arrive.
   */
  checkpoint(done: number, total: number, label?: string): Promise<void>;
}

/** Named long-format tables: one row per step / setting / variant. Each is written as `<name>.csv`. */
export type Tables = Record<string, ColumnTable>;

/** What every run returns: long-format tables and a flat set of headline numbers, nothing else. */
export interface Result<T extends Tables = Tables> {
  tables: T;
  /**
   * Headline numbers (final errors, fitted rates, ranks), for `--json` and the report. The same
   * params, seed and backend give the same metrics, so no wall-clock times here (the runner
   * reports `durationMs`; an experiment may keep its timings in a table). Keys are
   * `camelCase` words joined by dots, most general first: `symExact.finalError`.
   */
  metrics: Record<string, number>;
}

/**
 * What a run will compute, counted from its params before it starts, for the time estimate the
 * CLI prints (`estimateRun` in run/runner.ts). Rough by nature: counts of the dominant work,
 * not a simulation.
 */
export interface Cost {
  /** Floating-point operations in tfjs tensor ops (a multiply-add is 2): they run on the chosen backend. */
  tensorFlops: number;
  /** tfjs ops dispatched (kernel launches and read-backs), each paying the backend's fixed cost per op. */
  tensorOps: number;
  /** Floating-point operations on typed arrays (Float64 linear algebra, projections): on the CPU, whatever the backend. */
  cpuFlops: number;
}

/**
 * A check across fields that a schema's per-field ranges cannot express ("k must exceed r").
 * Returns the problem as one line naming the fields and what is allowed, or undefined.
 */
export type Constraint<P> = (p: P) => string | undefined;

// The defaults (`Experiment` with no arguments) are the erased type the registry, runner and CLI hold.
export interface Experiment<P extends object = any, T extends Tables = any> {
  /** The CLI name, e.g. 'matrix-sensing'. */
  name: string;
  title: string;
  /** One paragraph: what is reproduced and how. */
  description: string;
  papers: PaperRef[];
  params: Schema<P>;
  /** Checked with the schema when a plan is resolved, before anything runs or is written. */
  constraints?: readonly Constraint<P>[];
  /** At least `paper` (the paper's setting, as far as a laptop allows) and `quick` (seconds, for tests). */
  presets: Record<string, Partial<P>>;
  /** What a run of `p` computes, for the time estimate printed before a long run; none: no estimate. */
  cost?: (p: P) => Cost;
  // Function-typed properties (not methods), so TypeScript checks them strictly: a claims
  // function that reads anything but tables and metrics does not compile.
  run: (p: P, ctx: RunContext) => Promise<Result<T>>;
  figures: (r: Result<T>, p: P) => Figure[];
  claims: (r: Result<T>, p: P) => Claim[];
}
