/**
 * A figure is an Observable Plot specification plus a name and a caption. Keeping the spec
 * (data + marks) rather than a rendered element lets one figure render to SVG and PNG for the
 * CLI, to HTML in a notebook, and again in the browser for `explore`.
 */
import type { PlotOptions } from "@observablehq/plot";
import { figureToHTML, figureToSVG } from "./render.js";
import { jupyterDisplay, type Displayable } from "./display.js";

export interface FigureSpec {
  /** File stem for the CLI's outputs, e.g. 'relative-error' → relative-error.svg/.png. */
  id: string;
  title: string;
  /** One or two sentences: what is plotted, and which paper figure it reproduces. */
  caption?: string;
  /** Plot options without `document`; the renderer supplies one. */
  plot: PlotOptions;
}

/** A figure spec that shows itself rich in a notebook (see display.ts). */
export interface Figure extends FigureSpec, Displayable {}

/** Builds a Figure from its spec; the returned object displays itself in a notebook. */
export function figure(spec: FigureSpec): Figure {
  return {
    ...spec,
    [jupyterDisplay]() {
      return { "text/html": figureToHTML(spec), "text/plain": `Figure ${spec.id}: ${spec.title}` };
    },
  };
}
