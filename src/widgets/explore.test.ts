import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { UsageError } from "../compute/usageError.js";
import { jupyterDisplay } from "../plot/display.js";
import { explore } from "./explore.js";
import { renderExplore, type RenderSpec } from "./exploreRender.js";

/** A small sweep-shaped table: error_t = alpha * 0.5^(t/k) for k in {1, 2}, alpha in {0.1, 1}, two variants. */
function sweepTable() {
  const rows = [];
  for (const k of [1, 2]) for (const alpha of [0.1, 1]) for (const variant of ["a", "b"]) for (let t = 0; t <= 4; t++) {
    rows.push({ k, alpha, variant, step: t, error: alpha * 0.5 ** (t / k) * (variant === "a" ? 1 : 2) });
  }
  return aq.from(rows);
}

describe("explore", () => {
  it("embeds the rows, the slider values and a static Plot figure of the first slice", () => {
    const e = explore(sweepTable(), { x: "step", y: "error", color: "variant", sliders: ["k", "alpha"], logY: true, title: "decay" });
    expect(e.payload.sliders).toEqual([
      { name: "k", values: [1, 2], index: 0 },
      { name: "alpha", values: [0.1, 1], index: 0 },
    ]);
    expect(e.payload.spec.colorDomain).toEqual(["a", "b"]);
    expect(Object.keys(e.payload.data).sort()).toEqual(["alpha", "error", "k", "step", "variant"]);
    const html = e[jupyterDisplay]()["text/html"] as string;
    expect(html).toContain('class="lrx-figure"><figure class="lowrank-figure"');
    expect(html).toContain("Showing k = 1, alpha = 0.1.");
    expect(html).toContain("function renderExplore(");
    expect(html).not.toMatch(/<\/script>[^]*<\/script>[^]*<\/script>/); // exactly two script elements
  });

  it("thins long curves to maxPoints per line, keeping the first and last step", () => {
    const rows = [];
    for (const k of [1, 2]) for (let t = 0; t <= 999; t++) rows.push({ k, step: t, error: 1 / (t + k) });
    const e = explore(aq.from(rows), { x: "step", y: "error", sliders: ["k"], maxPoints: 100 });
    const steps = e.payload.data.step.filter((_, i) => e.payload.data.k[i] === 2);
    expect(steps).toHaveLength(100);
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(999);
  });

  it("sends string columns as a dictionary and codes", () => {
    const html = explore(sweepTable(), { x: "step", y: "error", color: "variant", sliders: ["k"] }).html;
    expect(html).toContain('"variant":{"dict":["a","b"],"codes":[0,0,0,0,0,1,1,1,1,1');
  });

  it("keeps data from closing its script element", () => {
    const t = aq.from([{ x: 1, y: 2, label: "</script><b>" }]);
    const html = explore(t, { x: "x", y: "y", sliders: ["label"] }).html;
    expect(html).not.toContain("</script><b>");
    expect(html).toContain("\\u003c/script>");
  });

  it("starts at the requested slider values", () => {
    const e = explore(sweepTable(), { x: "step", y: "error", sliders: ["k"], value: { k: 2 } });
    expect(e.payload.sliders[0].index).toBe(1);
    expect(() => explore(sweepTable(), { x: "step", y: "error", sliders: ["k"], value: { k: 3 } })).toThrow(/value.k=3 is not in the table; values: 1, 2/);
  });

  it("names the missing column and lists the available ones", () => {
    expect(() => explore(sweepTable(), { x: "step", y: "loss", sliders: [] })).toThrow(UsageError);
    expect(() => explore(sweepTable(), { x: "step", y: "loss", sliders: [] })).toThrow(/y=loss is not a column; available: k, alpha, variant, step, error/);
    expect(() => explore(sweepTable(), { x: "step", y: "error", sliders: ["k"], marks: ["bar" as never] })).toThrow(/mark 'bar'/);
  });
});

describe("the in-browser renderer", () => {
  const spec: RenderSpec = {
    x: "t", y: "e", color: "c", marks: ["line", "dot"], logX: false, logY: true,
    xDomain: [0, 10], yDomain: [1e-4, 1], colorDomain: ["a", "b"], fyDomain: [], width: 400, facetHeight: 200,
  };
  const data = { t: [0, 10, 0, 5, 10], e: [1, 1e-4, 1, null, 1e-2], c: ["a", "a", "b", "b", "b"] };

  it("draws one line per colour, on the fixed domains", () => {
    const svg = renderExplore(spec, data, [0, 1, 2, 3, 4]);
    const paths = [...svg.matchAll(/<path d="([^"]+)" fill="none" stroke="([^"]+)"/g)];
    expect(paths.map((p) => p[2])).toEqual(["#4e79a7", "#f28e2c"]);
    // y = 1 sits at the top of the panel, 1e-4 at its bottom; x runs from the left margin.
    expect(paths[0][1]).toBe("M62,46L382,246");
    // the missing value breaks the second line into two pieces
    expect(paths[1][1]).toBe("M62,46M382,146");
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain(">1e-2<");
  });

  it("draws only the rows it is given", () => {
    const svg = renderExplore(spec, data, [0, 1]);
    expect(svg.match(/<path d=/g)).toHaveLength(1);
  });
});
