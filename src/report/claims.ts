/**
 * Claims as a notebook or report shows them: one line each, green when the paper's claim
 * holds on this run, red when it does not, with the evidence underneath. Sanity checks (is
 * the run sound?) are listed apart and not counted among the paper's claims.
 */
import type { Claim } from "../experiments/types.js";
import { jupyterDisplay, type MimeBundle } from "../plot/display.js";
import { escapeHTML } from "../plot/html.js";

export const isSanity = (c: Claim): boolean => c.kind === "sanity";

/** The one count of claims that hold: paper claims only; sanity checks are counted apart. */
export function countClaims(claims: readonly Claim[]): { held: number; total: number; sanityHeld: number; sanityTotal: number } {
  const paper = claims.filter((c) => !isSanity(c));
  const sanity = claims.filter(isSanity);
  return { held: paper.filter((c) => c.holds).length, total: paper.length, sanityHeld: sanity.filter((c) => c.holds).length, sanityTotal: sanity.length };
}

/** "4/5 claims hold" (+ "; 2/2 sanity checks pass" when there are any). */
export function claimsSummary(claims: readonly Claim[]): string {
  const n = countClaims(claims);
  const sanity = n.sanityTotal ? `; ${n.sanityHeld}/${n.sanityTotal} sanity checks pass` : "";
  return `${n.held}/${n.total} claims hold${sanity}`;
}

/** The claims of `claims` that do not hold (paper claims and failed sanity checks alike). */
export const failedClaims = (claims: readonly Claim[]): Claim[] => claims.filter((c) => !c.holds);

function itemHTML(c: Claim): string {
  const color = c.holds ? "#1a7f37" : "#cf222e";
  const mark = isSanity(c) ? (c.holds ? "✓ passes" : "✗ fails") : c.holds ? "✓ holds" : "✗ does not hold";
  return `<li style="margin:0 0 6px 0;list-style:none"><span style="color:${color};font-weight:bold">${mark}</span> <b>${escapeHTML(c.id)}</b>: ${escapeHTML(c.statement)}<br><span style="color:#555;font-size:90%">${c.paper ? "ours: " : ""}${escapeHTML(c.evidence)}</span>${c.paper ? `<br><span style="color:#555;font-size:90%">paper: ${escapeHTML(c.paper)}</span>` : ""}</li>`;
}

export function claimsToHTML(claims: readonly Claim[]): string {
  const list = (cs: readonly Claim[]) => `<ul class="lowrank-claims" style="padding-left:0;font-family:sans-serif">${cs.map(itemHTML).join("")}</ul>`;
  const paper = claims.filter((c) => !isSanity(c));
  const sanity = claims.filter(isSanity);
  return list(paper) + (sanity.length ? `<div style="font-family:sans-serif;color:#555;margin-top:4px">Sanity checks (not paper claims)</div>${list(sanity)}` : "");
}

export function claimsToText(claims: readonly Claim[]): string {
  const line = (c: Claim) =>
    `${c.holds ? "✓" : "✗"} ${c.id}: ${c.statement}\n    ${c.paper ? `ours: ${c.evidence}\n    paper: ${c.paper}` : c.evidence}`;
  const paper = claims.filter((c) => !isSanity(c)).map(line);
  const sanity = claims.filter(isSanity).map(line);
  return [...paper, ...(sanity.length ? ["sanity checks (not paper claims):", ...sanity] : [])].join("\n");
}

/** A list of claims that shows itself in a notebook: `record.claims` as the last line of a cell. */
export type ClaimList = Claim[] & { [jupyterDisplay](): MimeBundle };

export function claimList(claims: readonly Claim[]): ClaimList {
  const list = [...claims] as ClaimList;
  Object.defineProperty(list, jupyterDisplay, {
    enumerable: false,
    value: (): MimeBundle => ({ "text/html": claimsToHTML(list), "text/plain": `${claimsSummary(list)}\n${claimsToText(list)}` }),
  });
  return list;
}
