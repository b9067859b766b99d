/**
 * A RunRecord: everything one run produced and how it was asked for, as the CLI's JSON, the
 * report, the sweep and a notebook see it. It displays itself (figures, then claims), and
 * `record.figure("curves")` picks one figure by id, so a notebook needs no glue code.
 */
import type { BackendName } from "../compute/backend.js";
import { UsageError } from "../compute/usageError.js";
import type { Claim, Result } from "../experiments/types.js";
import { jupyterDisplay, type MimeBundle } from "../plot/display.js";
import type { Figure } from "../plot/figure.js";
import { escapeHTML } from "../plot/html.js";
import { figureToHTML } from "../plot/render.js";
import { claimList, claimsSummary, claimsToHTML, claimsToText, type ClaimList } from "./claims.js";

export interface RunRecord<R extends Result = Result> {
  experiment: string;
  preset: string;
  /** What the user changed on top of the preset. */
  overrides: Record<string, unknown>;
  params: Record<string, unknown>;
  seed: number;
  backend: BackendName;
  /** Of the computation; for a point read from the cache, that of the run that computed it. */
  durationMs: number;
  /** True when the result was read from the sweep cache instead of computed. */
  cached: boolean;
  metrics: Record<string, number>;
  claims: ClaimList;
  figures: Figure[];
  result: R;
  /** The figure with this id; a UsageError lists the ids there are. */
  figure(id: string): Figure;
}

export type RunRecordData<R extends Result = Result> = Omit<RunRecord<R>, "figure" | "claims"> & { claims: readonly Claim[] };

export function makeRecord<R extends Result>(data: RunRecordData<R>): RunRecord<R> {
  const record = { ...data, claims: claimList(data.claims) } as RunRecord<R>;
  Object.defineProperty(record, "figure", {
    enumerable: false,
    value: (id: string) => {
      const found = record.figures.find((f) => f.id === id);
      if (!found) throw new UsageError(`${record.experiment} has no figure '${id}'; available: ${record.figures.map((f) => f.id).join(", ")}`);
      return found;
    },
  });
  Object.defineProperty(record, jupyterDisplay, { enumerable: false, value: () => recordBundle(record) });
  return record;
}

/** One line: experiment · preset · seed · backend · time · claim count. */
export function recordHeadline(r: RunRecord): string {
  const time = `${(r.durationMs / 1000).toFixed(1)} s${r.cached ? " (cached)" : ""}`;
  return `${r.experiment} · preset ${r.preset} · seed ${r.seed} · ${r.backend} · ${time} · ${claimsSummary(r.claims)}`;
}

export function recordToHTML(r: RunRecord): string {
  return `<div style="font-family:sans-serif;color:#555">${escapeHTML(recordHeadline(r))}</div>` + r.figures.map(figureToHTML).join("") + claimsToHTML(r.claims);
}

export function recordToText(r: RunRecord): string {
  return `${recordHeadline(r)}\n${claimsToText(r.claims)}`;
}

/** How a run shows in a notebook: its figures, then its claims. */
export function recordBundle(r: RunRecord): MimeBundle {
  return { "text/html": recordToHTML(r), "text/plain": recordToText(r) };
}

/** The contract's JSON object for one run (`run --json`, summary.json). */
export function recordJSON(r: RunRecord, files: string[]) {
  const { experiment, preset, overrides, params, seed, backend, durationMs, metrics, claims } = r;
  return { experiment, preset, overrides, params, seed, backend, durationMs: Math.round(durationMs), cached: r.cached, metrics, claims: [...claims], files };
}
