/**
 * The content of an `error` message and of an error reply: ename, evalue and a traceback of
 * text lines (ANSI colours allowed, as IPython's). Built from a thrown value, from TypeScript
 * diagnostics, or for an interrupt.
 */
import { inspect } from "node:util";
import type { Diagnostic } from "tslab/dist/converter.js";

export interface ErrorContent {
  [key: string]: unknown;
  ename: string;
  evalue: string;
  traceback: string[];
}

const red = (s: string) => `\u001b[0;31m${s}\u001b[0m`;

/** Thrown inside a cell by kernel helpers (prompt) when the user interrupts. */
export class Interrupted extends Error {
  override name = "Interrupted";
  constructor() {
    super("Interrupted by the user");
  }
}

export function interruptedError(): ErrorContent {
  return { ename: "Interrupted", evalue: "Interrupted by the user", traceback: [red("Interrupted: the cell was stopped by an interrupt")] };
}

/** True for Node's "Script execution was interrupted by `SIGINT`" and for Interrupted. */
export function isInterrupt(e: unknown): boolean {
  return e instanceof Interrupted || (typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED");
}

/** Frames of the kernel and of tslab's executor say nothing about the user's code; cut them. */
const internal = /node:vm|node:internal|tslab[\\/]dist|kernel-ext[\\/]src|\(node:/;

export function thrownError(e: unknown): ErrorContent {
  if (e instanceof Error) {
    // vm prefixes the stack with the source line and a caret ("evalmachine.<anonymous>:2\n..."):
    // keep only the frames, under a "Name: message" head.
    const frames = (e.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l) && !internal.test(l));
    return { ename: e.name, evalue: e.message, traceback: [red(`${e.name}: ${e.message}`), ...frames] };
  }
  // `throw "text"` and other non-Error values: show them as a value, like the REPL.
  const shown = inspect(e);
  return { ename: "Uncaught", evalue: shown, traceback: [red(`Uncaught ${shown}`)] };
}

/** A TypeScript compile error, with the offending line and a caret under the position. */
export function compileError(diagnostics: Diagnostic[], code: string): ErrorContent {
  const lines = code.split("\n");
  const traceback = diagnostics.flatMap((d) => {
    const where = `${d.fileName ? d.fileName + " " : ""}${d.start.line + 1}:${d.start.character + 1}`;
    const out = [red(`${where} - error TS${d.code}: ${d.messageText}`)];
    const source = d.fileName ? undefined : lines[d.start.line];
    if (source !== undefined) out.push(`  ${source}`, `  ${" ".repeat(d.start.character)}${red("^")}`);
    return out;
  });
  const first = diagnostics[0];
  const evalue = first ? `${first.start.line + 1}:${first.start.character + 1} ${first.messageText}` : "compile error";
  return { ename: "TSError", evalue: diagnostics.length > 1 ? `${evalue} (and ${diagnostics.length - 1} more)` : evalue, traceback };
}
