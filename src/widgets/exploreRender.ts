/**
 * The figure `explore` draws in the browser: lines and dots over numeric x and y (linear or
 * log), coloured by a category, faceted by rows, as one SVG string. Observable Plot would draw
 * the same, but inlining it costs 484 kB per output (plot.umd.min.js 208 kB + d3.min.js
 * 276 kB; 250 kB even tree-shaken to the marks used), which every saved notebook would carry
 * once per explore cell; this renderer is about 6 kB.
 *
 * The function is shipped to the browser as its own source text (Function.prototype.toString),
 * so it must stay self-contained: no imports, no references outside its body, plain ES2017.
 */

/** Everything the renderer needs besides the data; built once, in Node, by `explore`. */
export interface RenderSpec {
  x: string;
  y: string;
  color?: string;
  fy?: string;
  marks: Array<"line" | "dot">;
  logX: boolean;
  logY: boolean;
  /** Domains over the whole table, so the axes stay put while sliders move. */
  xDomain: [number, number];
  yDomain: [number, number];
  colorDomain: Cell[];
  fyDomain: Cell[];
  width: number;
  facetHeight: number;
  title?: string;
}

export type Cell = number | string | boolean | null;
export type Columns = Record<string, Cell[]>;

/** SVG of the rows `index` of `data` (column arrays). */
export function renderExplore(spec: RenderSpec, data: Columns, index: number[]): string {
  const palette = ["#4e79a7", "#f28e2c", "#e15759", "#76b7b2", "#59a14f", "#edc949", "#af7aa1", "#ff9da7", "#9c755f", "#bab0ab"]; // d3.schemeTableau10, Plot's default
  const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const num = (v: number) => +v.toFixed(2);
  const scale = (domain: [number, number], range: [number, number], log: boolean) => {
    let d0 = log ? Math.log10(domain[0]) : domain[0];
    let d1 = log ? Math.log10(domain[1]) : domain[1];
    if (!(d1 > d0)) (d0 -= 0.5), (d1 += 0.5);
    return (v: number) => range[0] + (((log ? Math.log10(v) : v) - d0) / (d1 - d0)) * (range[1] - range[0]);
  };
  const linearTicks = (lo: number, hi: number, count: number) => {
    const span = hi - lo;
    if (!(span > 0)) return [lo];
    const raw = span / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const r = raw / mag;
    const step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
    const out: number[] = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
    return out;
  };
  const ticks = (domain: [number, number], log: boolean, count: number) => {
    if (log) {
      const lo = Math.ceil(Math.log10(domain[0]) - 1e-9);
      const hi = Math.floor(Math.log10(domain[1]) + 1e-9);
      const step = Math.max(1, Math.ceil((hi - lo + 1) / count));
      const out: number[] = [];
      for (let e = lo; e <= hi; e += step) out.push(Math.pow(10, e));
      if (out.length >= 2) return out;
    }
    return linearTicks(domain[0], domain[1], count);
  };
  const fmt = (v: number, log: boolean) => {
    const e = Math.log10(v);
    if (log && Math.abs(e - Math.round(e)) < 1e-9) return "1e" + Math.round(e);
    const s = +v.toPrecision(4);
    return s !== 0 && (Math.abs(s) >= 1e5 || Math.abs(s) < 1e-3) ? s.toExponential() : String(s);
  };
  const ok = (v: Cell, log: boolean): v is number => typeof v === "number" && isFinite(v) && (!log || v > 0);

  const legend = spec.color ? 24 : 0;
  const top = 22 + legend;
  const left = 62;
  const right = spec.fy ? 90 : 18;
  const gap = 12;
  const facets: Cell[] = spec.fy ? spec.fyDomain : [null];
  const height = top + facets.length * (spec.facetHeight + gap) - gap + 40;
  const X = scale(spec.xDomain, [left, spec.width - right], spec.logX);
  const parts: string[] = [];

  if (spec.color) {
    let lx = left;
    parts.push('<text x="' + left + '" y="12" font-weight="bold">' + esc(spec.color) + "</text>");
    lx += 8 + 7 * spec.color.length;
    spec.colorDomain.forEach((c, i) => {
      parts.push('<rect x="' + lx + '" y="3" width="10" height="10" fill="' + palette[i % 10] + '"/><text x="' + (lx + 14) + '" y="12">' + esc(c) + "</text>");
      lx += 24 + 6.5 * String(c).length;
    });
  }
  parts.push('<text x="' + (left - 40) + '" y="' + (top - 8) + '">↑ ' + esc(spec.y) + "</text>");

  facets.forEach((facet, f) => {
    const y0 = top + f * (spec.facetHeight + gap);
    const Y = scale(spec.yDomain, [y0 + spec.facetHeight, y0], spec.logY);
    for (const t of ticks(spec.yDomain, spec.logY, Math.max(2, Math.round(spec.facetHeight / 45)))) {
      const y = num(Y(t));
      parts.push('<line x1="' + left + '" x2="' + (spec.width - right) + '" y1="' + y + '" y2="' + y + '" stroke="#000" stroke-opacity="0.1"/>');
      parts.push('<text x="' + (left - 6) + '" y="' + (y + 3) + '" text-anchor="end">' + fmt(t, spec.logY) + "</text>");
    }
    if (spec.fy) parts.push('<text x="' + (spec.width - right + 8) + '" y="' + (y0 + spec.facetHeight / 2) + '">' + esc(spec.fy + " = " + facet) + "</text>");
    // One series per colour within the facet, drawn in data order as Plot's line mark does.
    const series = new Map<string, number[]>();
    for (const i of index) {
      if (spec.fy && data[spec.fy][i] !== facet) continue;
      const key = spec.color ? JSON.stringify(data[spec.color][i]) : "";
      if (!series.has(key)) series.set(key, []);
      series.get(key)!.push(i);
    }
    series.forEach((rows, key) => {
      const ci = spec.color ? spec.colorDomain.findIndex((c) => JSON.stringify(c) === key) : 0;
      const colour = palette[Math.max(0, ci) % 10];
      let d = "";
      let pen = "M";
      for (const i of rows) {
        const xv = data[spec.x][i];
        const yv = data[spec.y][i];
        if (!ok(xv, spec.logX) || !ok(yv, spec.logY)) {
          pen = "M"; // a gap, as Plot breaks a line at undefined values
          continue;
        }
        const px = num(X(xv));
        const py = num(Y(yv));
        if (spec.marks.indexOf("line") >= 0) d += pen + px + "," + py;
        pen = "L";
        if (spec.marks.indexOf("dot") >= 0) parts.push('<circle cx="' + px + '" cy="' + py + '" r="2.5" fill="' + colour + '"/>');
      }
      if (d) parts.push('<path d="' + d + '" fill="none" stroke="' + colour + '" stroke-width="1.5"/>');
    });
  });

  const yBottom = top + facets.length * (spec.facetHeight + gap) - gap;
  parts.push('<line x1="' + left + '" x2="' + (spec.width - right) + '" y1="' + yBottom + '" y2="' + yBottom + '" stroke="#000"/>');
  for (const t of ticks(spec.xDomain, spec.logX, Math.max(2, Math.round((spec.width - left - right) / 80)))) {
    const x = num(X(t));
    parts.push('<line x1="' + x + '" x2="' + x + '" y1="' + yBottom + '" y2="' + (yBottom + 5) + '" stroke="#000"/><text x="' + x + '" y="' + (yBottom + 17) + '" text-anchor="middle">' + fmt(t, spec.logX) + "</text>");
  }
  parts.push('<text x="' + (spec.width - right) + '" y="' + (yBottom + 34) + '" text-anchor="end">' + esc(spec.x) + " →</text>");
  return (
    (spec.title ? '<div style="font:bold 15px sans-serif;margin-bottom:4px">' + esc(spec.title) + "</div>" : "") +
    '<svg xmlns="http://www.w3.org/2000/svg" width="' + spec.width + '" height="' + height + '" viewBox="0 0 ' + spec.width + " " + height +
    '" style="font:10px system-ui,sans-serif;background:white;max-width:100%;height:auto">' + parts.join("") + "</svg>"
  );
}
