/**
 * The script of an `explore` output, run by the browser: it builds one range input per
 * swept parameter (stepping through that parameter's values in the table) and redraws the
 * figure from the embedded rows whenever one moves. No kernel, no comm, no network: it works
 * in a saved notebook, an nbconvert HTML export, or a static page.
 *
 * Shipped as its own source text, like renderExplore: self-contained, plain ES2017.
 */
import type { Cell, Columns, RenderSpec } from "./exploreRender.js";

export interface SliderSpec {
  name: string;
  /** The parameter's distinct values in the table, sorted. */
  values: Cell[];
  /** Index into `values` shown first. */
  index: number;
}

export interface ExplorePayload {
  spec: RenderSpec;
  sliders: SliderSpec[];
  data: Columns;
}

/** The payload as embedded: string columns arrive as a dictionary and codes. */
export type EncodedPayload = Omit<ExplorePayload, "data"> & { data: Record<string, Cell[] | { dict: Cell[]; codes: number[] }> };

export function exploreMain(root: HTMLElement, payload: EncodedPayload, render: (spec: RenderSpec, data: Columns, index: number[]) => string): void {
  const { spec, sliders } = payload;
  const data: Columns = {};
  for (const name of Object.keys(payload.data)) {
    const column = payload.data[name];
    data[name] = Array.isArray(column) ? column : column.codes.map((c) => column.dict[c]);
  }
  const controls = root.querySelector(".lrx-controls") as HTMLElement;
  const figure = root.querySelector(".lrx-figure") as HTMLElement;
  const note = root.querySelector(".lrx-note") as HTMLElement | null;
  const rows = (data[spec.x] || []).length;
  const state = sliders.map((s) => s.index);
  const draw = () => {
    const index: number[] = [];
    for (let i = 0; i < rows; i++) {
      let keep = true;
      for (let j = 0; j < sliders.length && keep; j++) keep = data[sliders[j].name][i] === sliders[j].values[state[j]];
      if (keep) index.push(i);
    }
    figure.innerHTML = render(spec, data, index);
    root.setAttribute("data-rows", String(index.length));
  };
  sliders.forEach((s, j) => {
    const row = document.createElement("label");
    row.style.cssText = "display:flex;align-items:center;gap:8px;margin:2px 0";
    const name = document.createElement("span");
    name.textContent = s.name;
    name.style.cssText = "min-width:80px;text-align:right";
    const input = document.createElement("input");
    input.type = "range";
    input.min = "0";
    input.max = String(s.values.length - 1);
    input.step = "1";
    input.value = String(s.index);
    input.name = s.name;
    input.style.width = "220px";
    const readout = document.createElement("span");
    readout.textContent = String(s.values[s.index]);
    input.addEventListener("input", () => {
      state[j] = Number(input.value);
      readout.textContent = String(s.values[state[j]]);
      draw();
    });
    row.append(name, input, readout);
    controls.append(row);
  });
  if (note) note.remove();
  draw();
}
