/**
 * report.html: one self-contained page (no scripts, no external files) with, per experiment,
 * its figures inline, each claim green or red with its evidence, and the params, seed,
 * backend and timing that produced them.
 */
import { escapeHTML } from "../plot/html.js";
import { figureToHTML } from "../plot/render.js";
import { claimsSummary, claimsToHTML, countClaims } from "./claims.js";
import { recordHeadline, type RunRecord } from "./record.js";

function paramsTable(r: RunRecord): string {
  const rows = Object.entries(r.params).map(([k, v]) => {
    const changed = k in r.overrides ? " <i>(set)</i>" : "";
    return `<tr><td>${escapeHTML(k)}${changed}</td><td>${escapeHTML(Array.isArray(v) ? v.join(", ") : String(v))}</td></tr>`;
  });
  return `<table class="params"><tr><th>param</th><th>value</th></tr>${rows.join("")}</table>`;
}

function section(r: RunRecord, title: string): string {
  return `<section id="${escapeHTML(r.experiment)}">
<h2>${escapeHTML(title)}</h2>
<p class="meta">${escapeHTML(recordHeadline(r))}</p>
${r.figures.map(figureToHTML).join("\n")}
<h3>Claims</h3>
${claimsToHTML(r.claims)}
<details><summary>Parameters</summary>${paramsTable(r)}</details>
</section>`;
}

export function reportHTML(runs: Array<{ record: RunRecord; title: string }>, meta: { version: string; createdAt: string }): string {
  const all = runs.flatMap(({ record }) => record.claims);
  const n = countClaims(all);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>lowrank-lab report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
.meta{color:#555} table.params{border-collapse:collapse;font-size:90%} table.params td,table.params th{border:1px solid #ddd;padding:2px 8px;text-align:left}
section{border-top:1px solid #ddd;margin-top:2em}
</style></head><body>
<h1>lowrank-lab report</h1>
<p class="meta">lowrank-lab ${escapeHTML(meta.version)} · ${escapeHTML(meta.createdAt)} · ${n.held}/${n.total} claims hold across ${runs.length} experiment(s)</p>
<ul>${runs.map(({ record, title }) => `<li><a href="#${escapeHTML(record.experiment)}">${escapeHTML(title)}</a>: ${escapeHTML(claimsSummary(record.claims))}</li>`).join("")}</ul>
${runs.map(({ record, title }) => section(record, title)).join("\n")}
</body></html>
`;
}
