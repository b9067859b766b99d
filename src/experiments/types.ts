/**
 * The contract every paper family implements. The CLI, sweeps, widgets and notebooks only
 * ever see these types, so adding an experiment never touches them.
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
}

/** Called as work proceeds; `done` of `total` units, with an optional label for the unit in flight. */
export type ProgressFn = (done: number, total: number, label?: string) => void;

export interface RunContext {
  seed: number;
  /** Seeded from `seed`; the only source of randomness a run may use. */
  rng: Rng;
  progress: ProgressFn;
  /** Aborted when the user interrupts; long loops check it between steps. */
  signal?: AbortSignal;
}

/** What every run returns: long-format tables and a flat set of headline numbers. */
export interface Result {
  /** Long format: one row per step / setting / variant. Written as `<name>.csv`. */
  tables: Record<string, ColumnTable>;
  /**
   * Headline numbers (final errors, fitted rates, ranks), for `--json` and the report. The same
   * params, seed and backend give the same metrics, so no wall-clock times here (the runner
   * reports `durationMs`; an experiment may keep its timings in a table).
   */
  metrics: Record<string, number>;
}

export interface Experiment<P extends object = any, R extends Result = Result> {
  /** The CLI name, e.g. 'matrix-sensing'. */
  name: string;
  title: string;
  /** One paragraph: what is reproduced and how. */
  description: string;
  papers: PaperRef[];
  params: Schema<P>;
  /** At least `paper` (the paper's setting, as far as a laptop allows) and `quick` (seconds, for tests). */
  presets: Record<string, Partial<P>>;
  run(p: P, ctx: RunContext): Promise<R>;
  figures(r: R, p: P): Figure[];
  claims(r: R, p: P): Claim[];
}
