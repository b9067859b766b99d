/**
 * Claims as a notebook or report shows them: one line each, green when the paper's claim
 * holds on this run, red when it does not, with the evidence underneath.
 */
import type { Claim } from "../experiments/types.js";

function escapeHTML(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function claimsToHTML(claims: Claim[]): string {
  const items = claims.map((c) => {
    const color = c.holds ? "#1a7f37" : "#cf222e";
    const mark = c.holds ? "✓ holds" : "✗ does not hold";
    return `<li style="margin:0 0 6px 0;list-style:none"><span style="color:${color};font-weight:bold">${mark}</span> <b>${escapeHTML(c.id)}</b>: ${escapeHTML(c.statement)}<br><span style="color:#555;font-size:90%">${escapeHTML(c.evidence)}</span></li>`;
  });
  return `<ul class="lowrank-claims" style="padding-left:0;font-family:sans-serif">${items.join("")}</ul>`;
}

export function claimsToText(claims: Claim[]): string {
  return claims.map((c) => `${c.holds ? "✓" : "✗"} ${c.id}: ${c.statement}\n    ${c.evidence}`).join("\n");
}

export { escapeHTML };
