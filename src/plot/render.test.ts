import * as Plot from "@observablehq/plot";
import { describe, expect, it } from "vitest";
import { figure } from "./figure.js";
import { jupyterDisplay } from "./display.js";
import { figureToHTML, figureToPNG, figureToSVG } from "./render.js";

const rows = ["exact", "over-parameterised"].flatMap((variant, v) =>
  Array.from({ length: 50 }, (_, t) => ({ variant, t, err: Math.exp(-(t + 1) / (1 + 5 * v)) })),
);
const withLegend = figure({
  id: "err",
  title: "Relative error",
  caption: "Two variants.",
  plot: { y: { type: "log", label: "relative error" }, x: { label: "iteration" }, color: { legend: true }, marks: [Plot.line(rows, { x: "t", y: "err", stroke: "variant" })] },
});

describe("figure rendering", () => {
  it("renders a figure with a swatch legend to one standalone SVG that keeps the legend", () => {
    const svg = figureToSVG(withLegend);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("over-parameterised");
    expect(svg).toContain("Relative error");
    expect(svg).not.toContain("<div");
  });

  it("draws the same bytes each time, though Plot numbers marker ids per process", () => {
    const dotted = figure({ ...withLegend, plot: { ...withLegend.plot, marks: [Plot.line(rows, { x: "t", y: "err", stroke: "variant", marker: "circle" })] } });
    const first = figureToSVG(dotted);
    expect(first).toContain('id="plot-marker-1"');
    expect(figureToSVG(dotted)).toBe(first);
  });

  it("labels log axes in powers of ten", () => {
    expect(figureToSVG(withLegend)).toMatch(/1e-\d/);
  });

  it("renders HTML with the title, Plot's legend and the caption", () => {
    const html = figureToHTML(withLegend);
    expect(html).toContain("<figure");
    expect(html).toContain("swatch");
    expect(html).toContain("Two variants.");
  });

  it("renders a continuous colour legend (a ramp painted on a canvas) in SVG, PNG and HTML", () => {
    const ramp = figure({
      id: "ramp",
      title: "Error by temperature",
      plot: { color: { type: "log", scheme: "viridis", legend: true, label: "temperature" }, marks: [Plot.dot(rows, { x: "t", y: "err", stroke: "err" })] },
    });
    const svg = figureToSVG(ramp);
    expect(svg).toContain("temperature");
    expect(svg).toMatch(/<image[^>]*href="data:image\/png;base64,[A-Za-z0-9+/=]{40,}"/);
    expect(figureToPNG(ramp, 1).subarray(1, 4).toString()).toBe("PNG");
    expect(figureToHTML(ramp)).toContain("data:image/png;base64,");
  });

  it("renders a PNG", () => {
    const png = figureToPNG(withLegend, 1);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(720); // width from the IHDR chunk
  });

  it("shows itself rich through the Jupyter display protocol", () => {
    const bundle = withLegend[jupyterDisplay]();
    expect(bundle["text/html"]).toContain("<svg");
    expect(bundle["text/plain"]).toContain("Relative error");
  });
});
