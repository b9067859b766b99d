/**
 * The rich display convention shared with Deno's Jupyter kernel: an object with a
 * `[Symbol.for("Jupyter.display")]()` method returning a mime bundle is shown rich by a kernel
 * that knows the convention (lowrank-lab's does), both as a cell's value and through display().
 */
export const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display") as never;

/** A mime bundle: 'text/plain', 'text/html', 'image/svg+xml', ... → content. */
export type MimeBundle = Record<string, unknown>;

export interface Displayable {
  [jupyterDisplay](): MimeBundle;
}

export function isDisplayable(x: unknown): x is Displayable {
  return typeof x === "object" && x !== null && typeof (x as Partial<Displayable>)[jupyterDisplay] === "function";
}
