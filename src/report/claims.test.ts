import { describe, expect, it } from "vitest";
import type { Claim } from "../experiments/types.js";
import { jupyterDisplay } from "../plot/display.js";
import { claimList, claimsSummary, claimsToHTML, countClaims } from "./claims.js";

const claims: Claim[] = [
  { id: "a", statement: "A holds", holds: true, evidence: "1 < 2" },
  { id: "b", statement: "B <b>", holds: false, evidence: "3 > 2" },
  { id: "s", statement: "rank ≤ d", holds: true, evidence: "identity", kind: "sanity" },
];

describe("claims in the report", () => {
  it("counts paper claims apart from sanity checks", () => {
    expect(countClaims(claims)).toEqual({ held: 1, total: 2, sanityHeld: 1, sanityTotal: 1 });
    expect(claimsSummary(claims)).toBe("1/2 claims hold; 1/1 sanity checks pass");
    expect(claimsSummary(claims.slice(0, 2))).toBe("1/2 claims hold");
  });

  it("shows sanity checks under their own heading and escapes text", () => {
    const html = claimsToHTML(claims);
    expect(html.indexOf("Sanity checks")).toBeGreaterThan(html.indexOf("B &#60;b&#62;"));
    expect(html).not.toContain("<b>\"");
  });

  it("shows the paper's number beside ours when a claim carries one", () => {
    const withPaper: Claim = { id: "d", statement: "d_int90 near the paper's", holds: false, evidence: "2059", paper: "750 (Fig. 4)" };
    expect(claimsToHTML([withPaper])).toContain("paper: 750 (Fig. 4)");
    expect(claimsToHTML([withPaper])).toContain("ours: 2059");
    expect(claimsToHTML(claims)).not.toContain("paper:");
  });

  it("displays itself as a list of claims in a notebook", () => {
    const list = claimList(claims);
    expect(list.length).toBe(3);
    expect(JSON.stringify(list)).toBe(JSON.stringify(claims));
    const bundle = list[jupyterDisplay]();
    expect(String(bundle["text/plain"])).toMatch(/^1\/2 claims hold/);
  });
});
