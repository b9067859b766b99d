/**
 * Renders a Figure with Observable Plot in Node, through linkedom's server-side DOM.
 * Plot returns a bare <svg> for a plain chart but an HTML <figure> when there is a title,
 * caption or swatch legend (the swatches are HTML, not SVG). HTML output keeps that figure
 * as it is; SVG and PNG output lay its parts out again as one standalone SVG, so a legend is
 * never lost when a figure is saved as an image.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { Resvg } from "@resvg/resvg-js";
import type { FigureSpec } from "./figure.js";
import { escapeHTML } from "./html.js";

const FONT = "DejaVu Sans, Arial, Helvetica, sans-serif";
const defaults = { width: 720, height: 420, marginLeft: 64, marginBottom: 44, style: { fontSize: "12px", fontFamily: FONT } };

/** Log axes and colour ramps read better as 1e-6 than as Plot's default SI prefixes (1µ), as in the papers. */
function withLogTicks(scale: unknown): unknown {
  const s = scale as { type?: string; tickFormat?: unknown } | undefined;
  return s && s.type === "log" && s.tickFormat === undefined ? { ...s, tickFormat: "~e" } : scale;
}

/**
 * Plot's continuous colour legend paints a 256×1 gradient on a canvas and embeds it as an image,
 * but linkedom's canvas has no 2-D context. This one records the colour of each pixel Plot fills
 * and encodes them as a PNG with resvg, so a ramp legend renders in Node as in a browser.
 */
function withRampCanvas(document: Document): void {
  const create = document.createElement.bind(document);
  document.createElement = ((name: string, options?: ElementCreationOptions) => {
    const el = create(name, options);
    if (name.toLowerCase() !== "canvas") return el;
    const pixels: string[] = [];
    const context = { fillStyle: "#000" as unknown, fillRect: (x: number) => void (pixels[Math.round(x)] = String(context.fillStyle)) };
    return Object.assign(el, {
      getContext: () => context,
      toDataURL: () => {
        const rects = Array.from(pixels, (c, i) => `<rect x="${i}" width="1" height="1" fill="${c ?? "none"}"/>`).join("");
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(1, pixels.length)}" height="1">${rects}</svg>`;
        return `data:image/png;base64,${Buffer.from(new Resvg(svg).render().asPng()).toString("base64")}`;
      },
    });
  }) as typeof document.createElement;
}

function renderElement(spec: FigureSpec): Element {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  withRampCanvas(document as unknown as Document);
  const p = spec.plot;
  const options = {
    ...defaults,
    ...p,
    x: withLogTicks(p.x),
    y: withLogTicks(p.y),
    color: withLogTicks(p.color),
    style: { ...defaults.style, ...(p.style as object | undefined) },
    document,
  } as Plot.PlotOptions;
  return Plot.plot(options) as unknown as Element;
}


/** The HTML a notebook or report shows: a <figure> with a heading, Plot's output (legends included) and the caption. */
export function figureToHTML(spec: FigureSpec): string {
  const el = renderElement(spec);
  const caption = spec.caption ? `<figcaption style="font:12px ${FONT};color:#444;max-width:720px">${escapeHTML(spec.caption)}</figcaption>` : "";
  return `<figure class="lowrank-figure" style="margin:0 0 1em 0"><div style="font:bold 15px ${FONT};margin-bottom:4px">${escapeHTML(spec.title)}</div>${el.outerHTML}${caption}</figure>`;
}

interface Swatch {
  color: string;
  label: string;
}

/** Reads Plot's HTML swatch legend (spans holding an <svg> with the colour and a text label). */
function readSwatches(el: Element): Swatch[] {
  const out: Swatch[] = [];
  for (const div of Array.from(el.querySelectorAll("div"))) {
    if (!/swatches/.test(div.getAttribute("class") ?? "")) continue;
    for (const span of Array.from(div.querySelectorAll("span"))) {
      const svg = span.querySelector("svg");
      if (!svg) continue;
      const shape = svg.querySelector("[fill]") ?? svg;
      const color = shape.getAttribute("fill") ?? svg.getAttribute("fill") ?? "currentColor";
      out.push({ color, label: span.textContent?.trim() ?? "" });
    }
  }
  return out;
}

/**
 * Plot numbers the ids of markers and clip paths from a counter that lives as long as the
 * process, so the same figure drawn twice would differ in its ids. A standalone SVG is its own
 * id namespace, so its ids are renumbered in order of appearance: the same figure always gives
 * the same bytes (cached points re-render identically; snapshots compare).
 */
function renumberIds(svg: string): string {
  const ids = new Map<string, string>();
  const next = new Map<string, number>();
  return svg.replace(/\b(plot-[a-z]+)-(\d+)\b/g, (id, prefix: string) => {
    let renamed = ids.get(id);
    if (renamed === undefined) {
      const n = (next.get(prefix) ?? 0) + 1;
      next.set(prefix, n);
      renamed = `${prefix}-${n}`;
      ids.set(id, renamed);
    }
    return renamed;
  });
}

/** A standalone SVG: title, then the legend drawn as SVG swatches, then the chart (and any SVG ramp legends). */
export function figureToSVG(spec: FigureSpec): string {
  const el = renderElement(spec);
  const charts = el.tagName.toLowerCase() === "svg" ? [el] : Array.from(el.querySelectorAll("svg")).filter((s) => !s.closest("span"));
  const swatches = el.tagName.toLowerCase() === "svg" ? [] : readSwatches(el);
  const width = Math.max(...charts.map((s) => Number(s.getAttribute("width") ?? defaults.width)), defaults.width);
  const parts: string[] = [];
  let y = 8;
  parts.push(`<text x="8" y="${y + 15}" font-family="${FONT}" font-size="15" font-weight="bold">${escapeHTML(spec.title)}</text>`);
  y += 26;
  if (swatches.length) {
    let x = 8;
    for (const s of swatches) {
      const w = 26 + s.label.length * 7;
      if (x + w > width - 8) {
        x = 8;
        y += 18;
      }
      parts.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${escapeHTML(s.color)}"/><text x="${x + 16}" y="${y + 10.5}" font-family="${FONT}" font-size="12">${escapeHTML(s.label)}</text>`);
      x += w;
    }
    y += 22;
  }
  for (const chart of charts) {
    const h = Number(chart.getAttribute("height") ?? defaults.height);
    // A ramp legend's end labels stand past its own box (a browser shows them; a nested SVG clips
    // them), so it is inset a little and allowed to overflow.
    const ramp = /ramp/.test(chart.getAttribute("class") ?? "");
    chart.setAttribute("x", ramp ? "16" : "0");
    chart.setAttribute("y", String(y));
    if (ramp) chart.setAttribute("overflow", "visible");
    chart.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    parts.push(chart.outerHTML);
    y += h + 4;
  }
  return renumberIds(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 4}" viewBox="0 0 ${width} ${y + 4}"><rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`);
}

/** PNG bytes at `scale` × the SVG's size (2 gives crisp images in a README). */
export function figureToPNG(spec: FigureSpec, scale = 2): Buffer {
  const svg = figureToSVG(spec);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    background: "white",
  });
  return resvg.render().asPng();
}
