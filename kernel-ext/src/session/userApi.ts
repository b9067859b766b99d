/**
 * The functions every session starts with: display, clearOutput, prompt. They are declared by
 * a first hidden cell (so the type checker knows them, with their documentation for inspection)
 * whose bodies call the kernel through a global symbol; `tslab.display` keeps working too.
 */
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import type { DisplayOptions } from "../../../src/widgets/bridge.js";
import { mimeBundle } from "./display.js";
import { publishDisplay } from "./kernelBridge.js";
import { readInput } from "./stdin.js";
import type { Kernel } from "./kernel.js";

const apiKey = Symbol.for("lowrank-lab.kernel.api");

export interface UserDisplayOptions extends Omit<DisplayOptions, "displayId"> {
  /** Names the output for later updates; `true` makes up a name and returns it. */
  displayId?: string | true;
}

export interface KernelApi {
  display(value: unknown, options?: UserDisplayOptions): string | undefined;
  clearOutput(wait?: boolean): void;
  prompt(message?: string, options?: { password?: boolean }): string;
}

export function installUserApi(k: Kernel): void {
  const api: KernelApi = {
    display(value, o = {}) {
      const displayId = o.displayId === true ? randomUUID() : o.displayId;
      const options = { ...o, displayId };
      // Captured now: a display method returning a promise must still land under this cell.
      const parent = k.currentRequest()?.header;
      const bundle = k.call(() => mimeBundle(value));
      if (bundle instanceof Promise) {
        bundle.then(
          (b) => publishDisplay(k, b, options, parent),
          (e: unknown) => k.publish("stream", { name: "stderr", text: `display failed: ${String(e)}\n` }, { parent: parent ?? {} }),
        );
      } else publishDisplay(k, bundle, options, parent);
      // Only a made-up id is news to the caller (and a cell ending in display() shows no result).
      return o.displayId === true ? displayId : undefined;
    },
    clearOutput(wait = false) {
      k.publish("clear_output", { wait });
    },
    prompt(message = "", o = {}) {
      return readInput(k.shared, k.transport, k.currentRequest(), message, o.password === true);
    },
  };
  (globalThis as Record<symbol, unknown>)[apiKey] = api;

  // tslab's own display API (`import * as tslab from "tslab"; tslab.display.html(...)`) writes
  // through a module variable of tslab's jupyter.js; point it at this kernel.
  const tslabJupyter = createRequire(import.meta.url)("tslab/dist/jupyter.js") as {
    lastWriteDisplayData: (data: Record<string, unknown>, update: boolean) => void;
  };
  tslabJupyter.lastWriteDisplayData = (data, update) => k.publish(update ? "update_display_data" : "display_data", data);
}

/** The first cell of every session. */
export const userApiCell = `
/**
 * Shows a value in the notebook. A value with a [Symbol.for("Jupyter.display")]() method is
 * shown with the mime bundle it returns; an arquero table as an HTML table; anything else as text.
 * options.displayId names the output (true makes up a name and returns it); options.update
 * replaces the output of that name in place. Returns the made-up name, else undefined.
 */
function display(value: unknown, options?: { displayId?: string | true; update?: boolean; metadata?: Record<string, unknown> }): string | undefined {
  return (globalThis as any)[Symbol.for("lowrank-lab.kernel.api")].display(value, options);
}
/** Clears this cell's output; with wait = true, only when the next output arrives (no flicker). */
function clearOutput(wait?: boolean): void {
  (globalThis as any)[Symbol.for("lowrank-lab.kernel.api")].clearOutput(wait);
}
/** Asks the notebook user for a line of text and waits for it, like window.prompt. */
function prompt(message?: string, options?: { password?: boolean }): string {
  return (globalThis as any)[Symbol.for("lowrank-lab.kernel.api")].prompt(message, options);
}
`;
