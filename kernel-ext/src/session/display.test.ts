import { describe, expect, it } from "vitest";
import * as aq from "arquero";
import { jupyterDisplay } from "../../../src/plot/display.js";
import { mimeBundle, tableBundle } from "./display.js";

describe("mimeBundle", () => {
  it("uses the bundle a [Symbol.for('Jupyter.display')]() method returns, adding text/plain", () => {
    const b = mimeBundle({ [jupyterDisplay]: () => ({ "text/html": "<b>x</b>" }) }) as Record<string, unknown>;
    expect(b["text/html"]).toBe("<b>x</b>");
    expect(typeof b["text/plain"]).toBe("string");
  });

  it("keeps the method's own text/plain", () => {
    expect(mimeBundle({ [jupyterDisplay]: () => ({ "text/plain": "mine" }) })).toEqual({ "text/plain": "mine" });
  });

  it("awaits a display method that returns a promise", async () => {
    const b = await mimeBundle({ [jupyterDisplay]: async () => ({ "image/svg+xml": "<svg/>", "text/plain": "fig" }) });
    expect(b).toEqual({ "image/svg+xml": "<svg/>", "text/plain": "fig" });
  });

  it("says what it wanted when a display method returns something other than a bundle", () => {
    expect(() => mimeBundle({ [jupyterDisplay]: () => "html" })).toThrow(/want a mime bundle/);
  });

  it("prints other values as Node's REPL does", () => {
    expect(mimeBundle("ab")).toEqual({ "text/plain": "'ab'" });
    expect(mimeBundle([1, 2])).toEqual({ "text/plain": "[ 1, 2 ]" });
  });

  it("shows an arquero table as HTML cut at twenty rows, counting the rest", () => {
    const t = aq.table({ i: Array.from({ length: 23 }, (_, i) => i) });
    const b = mimeBundle(t) as Record<string, string>;
    expect(b["text/html"].match(/<tr>/g)).toHaveLength(21);
    expect(b["text/html"]).toContain("… 3 more rows");
    expect(b["text/plain"].split("\n")[0]).toBe("23 rows × 1 column");
  });

  it("shows a short table whole, without a note", () => {
    const b = tableBundle(aq.table({ x: [1.5, 2], name: ["a", "b"] }));
    expect(b["text/html"]).not.toContain("more row");
    expect(b["text/plain"]).toBe("2 rows × 2 columns\n  x  name\n1.5     a\n  2     b");
  });
});
