/**
 * report.html: one self-contained page (no scripts, no external files) with, per experiment,
 * its figures inline, each claim green or red with its evidence, and the params, seed,
 * backend and timing that produced them.
 */
import type { RunRecord } from "../experiments/runner.js";
import { claimsToHTML, escapeHTML } from "../plot/claims.js";
import { figureToHTML } from "../plot/render.js";

function paramsTable(params: Record<string, unknown>): string {
  const rows = Object.entries(params).map(([k, v]) => `<tr><td>${escapeHTML(k)}</td><td>${escapeHTML(Array.isArray(v) ? v.join(", ") : String(v))}</td></tr>`);
  return `<table class="params"><tr><th>param</th><th>value</th></tr>${rows.join("")}</table>`;
}

function section(r: RunRecord, title: string): string {
  const held = r.claims.filter((c) => c.holds).length;
  return `<section id="${escapeHTML(r.experiment)}">
<h2>${escapeHTML(title)}</h2>
<p class="meta">${escapeHTML(r.experiment)} · preset <b>${escapeHTML(r.preset)}</b> · seed ${r.seed} · backend ${escapeHTML(r.backend)} · ${(r.durationMs / 1000).toFixed(1)} s · <b>${held}/${r.claims.length}</b> claims hold</p>
${r.figures.map(figureToHTML).join("\n")}
<h3>Claims</h3>
${claimsToHTML(r.claims)}
<details><summary>Parameters</summary>${paramsTable(r.params)}</details>
</section>`;
}

export function reportHTML(runs: Array<{ record: RunRecord; title: string }>, meta: { version: string; createdAt: string }): string {
  const total = runs.reduce((n, { record }) => n + record.claims.length, 0);
  const held = runs.reduce((n, { record }) => n + record.claims.filter((c) => c.holds).length, 0);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>lowrank-lab report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
.meta{color:#555} table.params{border-collapse:collapse;font-size:90%} table.params td,table.params th{border:1px solid #ddd;padding:2px 8px;text-align:left}
section{border-top:1px solid #ddd;margin-top:2em}
</style></head><body>
<h1>lowrank-lab report</h1>
<p class="meta">lowrank-lab ${escapeHTML(meta.version)} · ${escapeHTML(meta.createdAt)} · ${held}/${total} claims hold across ${runs.length} experiment(s)</p>
<ul>${runs.map(({ record, title }) => `<li><a href="#${escapeHTML(record.experiment)}">${escapeHTML(title)}</a>: ${record.claims.filter((c) => c.holds).length}/${record.claims.length} claims hold</li>`).join("")}</ul>
${runs.map(({ record, title }) => section(record, title)).join("\n")}
</body></html>
`;
}
