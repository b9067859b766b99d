/**
 * One plan at the edge: an experiment, a preset, the user's overrides and a seed, resolved
 * ONCE (defaults, then preset, then overrides, each field checked, then the experiment's
 * cross-field constraints) into a frozen Plan. The CLI, the runner and the sweep (as its
 * cache key) all take a Plan, so every mistake is found before anything runs or is written.
 */
import { UsageError } from "../compute/usageError.js";
import { getExperiment, getPreset } from "../experiments/registry.js";
import { resolveParams } from "../experiments/schema.js";
import type { Experiment } from "../experiments/types.js";

export interface PlanOptions {
  /** A preset name from the experiment's presets; default 'paper'. */
  preset?: string;
  /** Overrides on top of the preset: values or CLI-style strings, all checked against the schema. */
  params?: Record<string, unknown>;
  /** Default 0. */
  seed?: number | string;
}

export interface Plan<P extends object = Record<string, unknown>> {
  readonly experiment: Experiment<P>;
  readonly preset: string;
  /** The overrides as the user gave them, normalised to the schema's types (what `--set` changed). */
  readonly overrides: Readonly<Record<string, unknown>>;
  /** Every field, resolved and checked. */
  readonly params: Readonly<P>;
  readonly seed: number;
}

export function checkSeed(seed: unknown): number {
  const s = typeof seed === "string" && seed.trim() !== "" ? Number(seed) : seed;
  if (typeof s !== "number" || !Number.isInteger(s) || s < 0 || s > 2 ** 32 - 1) {
    throw new UsageError(`seed ${String(seed)} is not allowed; allowed: an integer from 0 to ${2 ** 32 - 1}`);
  }
  return s;
}

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/** Resolves and checks everything; a UsageError names the first mistake and what is allowed. */
export function resolvePlan(which: string | Experiment, options: PlanOptions = {}): Plan {
  const experiment = typeof which === "string" ? getExperiment(which) : which;
  const preset = options.preset ?? "paper";
  const presetValues = getPreset(experiment, preset);
  const params = resolveParams(experiment.name, experiment.params, presetValues, options.params) as Record<string, unknown>;
  // Overrides after normalisation ("4" → 4), in the order given, so they print as applied.
  const given = Object.entries(options.params ?? {}).filter(([, v]) => v !== undefined);
  const overrides = Object.fromEntries(given.map(([k]) => [k, params[k]]));
  for (const check of experiment.constraints ?? []) {
    const problem = check(params);
    if (problem) throw new UsageError(`${experiment.name}: ${problem}`);
  }
  const seed = checkSeed(options.seed ?? 0);
  return deepFreeze({ experiment, preset, overrides, params, seed }) as unknown as Plan;
}

/** One line per override, as nanoGPT's configurator prints them: `override k = 4 (preset quick: 3)`. */
export function describeOverrides(plan: Plan): string[] {
  const presetValues = plan.experiment.presets[plan.preset] as Record<string, unknown>;
  const specs = plan.experiment.params as Record<string, { default: unknown }>;
  const show = (v: unknown) => (Array.isArray(v) ? v.join(",") : String(v));
  return Object.entries(plan.overrides).map(([k, v]) => {
    const was = k in presetValues ? `preset ${plan.preset}: ${show(presetValues[k])}` : `default: ${show(specs[k].default)}`;
    return `override ${k} = ${show(v)} (${was})`;
  });
}

/** The JSON identity of a plan: what the sweep cache hashes and `params.json` stores. */
export function planJSON(plan: Plan): { experiment: string; preset: string; overrides: Record<string, unknown>; params: Record<string, unknown>; seed: number } {
  return { experiment: plan.experiment.name, preset: plan.preset, overrides: { ...plan.overrides }, params: { ...plan.params }, seed: plan.seed };
}
