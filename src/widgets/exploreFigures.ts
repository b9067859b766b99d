/**
 * exploreFigures(points, id): one of the paper's own figures, as the experiment draws it, for
 * every point of a sweep, with a slider per swept parameter choosing which point is shown.
 * Every figure is drawn in Node by Observable Plot and embedded as HTML; the script only shows
 * one and hides the others, so it works in a saved or exported notebook without a kernel, and
 * where scripts do not run the first point's figure is what shows.
 *
 * `points` is what `lab.sweepRecords` returns (each point's whole record, read from the sweep
 * cache when it was computed before), so exploring a cluster's sweep redraws nothing but figures.
 */
import { randomUUID } from "node:crypto";
import { UsageError } from "../compute/usageError.js";
import { jupyterDisplay, type MimeBundle } from "../plot/display.js";
import { escapeHTML } from "../plot/html.js";
import { figureToHTML } from "../plot/render.js";
import type { RunRecord } from "../report/record.js";

/** Each figure travels inside the notebook: past this many, ask for a smaller grid. */
const MAX_POINTS = 200;

export interface FigurePoint {
  point: Record<string, unknown>;
  record: RunRecord;
}

const show = (v: unknown) => (Array.isArray(v) ? v.join(",") : String(v));

export class ExploreFigures {
  readonly html: string;
  readonly keys: string[];

  constructor(points: readonly FigurePoint[], readonly figureId: string) {
    if (!Array.isArray(points) || points.length === 0) throw new UsageError("exploreFigures: points is empty; pass what lab.sweepRecords returns");
    if (points.length > MAX_POINTS) throw new UsageError(`exploreFigures: ${points.length} points is too many to embed; allowed: at most ${MAX_POINTS} (sweep a smaller grid, or filter the points)`);
    this.keys = Object.keys(points[0].point);
    const values = this.keys.map((k) => [...new Set(points.map((p) => show(p.point[k])))]);
    const id = `lrf-${randomUUID()}`;
    const panels = points.map((p, i) => {
      const attrs = this.keys.map((k) => `data-${k.toLowerCase().replace(/[^a-z0-9]/g, "-")}="${escapeHTML(show(p.point[k]))}"`).join(" ");
      return `<div class="lrf-point" ${attrs} style="${i === 0 ? "" : "display:none"}">${figureToHTML(p.record.figure(figureId))}</div>`;
    });
    const controls = this.keys.map((k, j) =>
      `<label style="margin-right:16px">${escapeHTML(k)} <input type="range" name="${escapeHTML(k)}" min="0" max="${values[j].length - 1}" step="1" value="0"> <span>${escapeHTML(values[j][0])}</span></label>`,
    );
    const attrOf = JSON.stringify(this.keys.map((k) => `data-${k.toLowerCase().replace(/[^a-z0-9]/g, "-")}`));
    const script = `(function () {
  var root = document.getElementById(${JSON.stringify(id)});
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var values = ${JSON.stringify(values).replace(/</g, "\\u003c")}, attrs = ${attrOf};
  var inputs = root.querySelectorAll(".lrf-controls input");
  root.querySelector(".lrf-controls").style.display = "";
  function update() {
    var chosen = [];
    inputs.forEach(function (input, j) { chosen[j] = values[j][+input.value]; input.nextElementSibling.textContent = chosen[j]; });
    root.querySelectorAll(".lrf-point").forEach(function (panel) {
      var match = attrs.every(function (a, j) { return panel.getAttribute(a) === chosen[j]; });
      panel.style.display = match ? "" : "none";
    });
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();`;
    this.html = `<div class="lowrank-explore-figures" id="${id}" style="font:12px system-ui,sans-serif">
<div class="lrf-controls" style="display:none">${controls.join("")}</div>
${panels.join("\n")}
<script>${script}</script>
</div>`;
  }

  [jupyterDisplay](): MimeBundle {
    return { "text/html": this.html, "text/plain": `exploreFigures(${this.figureId}; sliders: ${this.keys.join(", ")})` };
  }
}

/** The experiment's own figure `id` for each point of a sweep, with a slider per swept parameter. */
export function exploreFigures(points: readonly FigurePoint[], id: string): ExploreFigures {
  return new ExploreFigures(points, id);
}
