/**
 * Runs one experiment end to end: params resolved and checked, backend chosen, a seeded
 * context, the tensor count checked, figures and claims built. The CLI, sweeps, widgets and
 * notebooks all run experiments through here, so they agree on every number.
 */
import { initBackend, type BackendName } from "../compute/backend.js";
import { withTensorCheck } from "../compute/memory.js";
import { rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import type { Figure } from "../plot/figure.js";
import { jupyterDisplay, type MimeBundle } from "../plot/display.js";
import { figureToHTML } from "../plot/render.js";
import { claimsToHTML, claimsToText, escapeHTML } from "../plot/claims.js";
import { getExperiment, getPreset } from "./registry.js";
import { resolveParams } from "./schema.js";
import type { Claim, Experiment, ProgressFn, Result } from "./types.js";

export interface RunOptions {
  /** A preset name from the experiment's presets; default 'paper'. */
  preset?: string;
  /** Overrides on top of the preset: values or CLI-style strings, all checked against the schema. */
  params?: Record<string, unknown>;
  /** Default 0. */
  seed?: number;
  progress?: ProgressFn;
  signal?: AbortSignal;
}

export interface RunRecord<R extends Result = Result> {
  experiment: string;
  preset: string;
  params: Record<string, unknown>;
  seed: number;
  backend: BackendName;
  durationMs: number;
  metrics: Record<string, number>;
  claims: Claim[];
  figures: Figure[];
  result: R;
}

export function checkSeed(seed: unknown): number {
  const s = typeof seed === "string" && seed.trim() !== "" ? Number(seed) : seed;
  if (typeof s !== "number" || !Number.isInteger(s) || s < 0 || s > 2 ** 32 - 1) {
    throw new UsageError(`seed ${String(seed)} is not allowed; allowed: an integer from 0 to ${2 ** 32 - 1}`);
  }
  return s;
}

/** Resolves `preset` + `params` against the experiment's schema (a UsageError names any mistake). */
export function resolveRun(experiment: Experiment, preset: string, params: Record<string, unknown> = {}): Record<string, unknown> {
  return resolveParams(experiment.name, experiment.params, getPreset(experiment, preset), params);
}

export async function runExperiment(which: string | Experiment, options: RunOptions = {}): Promise<RunRecord> {
  const experiment = typeof which === "string" ? getExperiment(which) : which;
  const preset = options.preset ?? "paper";
  const params = resolveRun(experiment, preset, options.params);
  const seed = checkSeed(options.seed ?? 0);
  const device = await initBackend();
  const start = performance.now();
  const result = await withTensorCheck(`${experiment.name} run`, () =>
    experiment.run(params, { seed, rng: rng(seed), progress: options.progress ?? (() => {}), signal: options.signal }),
  );
  const durationMs = performance.now() - start;
  const record: RunRecord = {
    experiment: experiment.name,
    preset,
    params,
    seed,
    backend: device.backend,
    durationMs,
    metrics: result.metrics,
    claims: experiment.claims(result, params),
    figures: experiment.figures(result, params),
    result,
  };
  return Object.assign(record, { [jupyterDisplay]: () => displayRun(record) });
}

/** How a run shows in a notebook: its figures, then its claims. */
function displayRun(r: RunRecord): MimeBundle {
  const held = r.claims.filter((c) => c.holds).length;
  const head = `<div style="font-family:sans-serif;color:#555">${escapeHTML(r.experiment)} · preset ${escapeHTML(r.preset)} · seed ${r.seed} · ${r.backend} · ${(r.durationMs / 1000).toFixed(1)} s · ${held}/${r.claims.length} claims hold</div>`;
  return {
    "text/html": head + r.figures.map(figureToHTML).join("") + claimsToHTML(r.claims),
    "text/plain": `${r.experiment} (${r.preset}, seed ${r.seed}): ${held}/${r.claims.length} claims hold\n${claimsToText(r.claims)}`,
  };
}
