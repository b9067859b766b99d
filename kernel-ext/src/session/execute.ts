/**
 * What execute_request does (ipykernel's do_execute): count the cell, echo it (execute_input),
 * run it, show its last value (execute_result) or its error (`error`), and build the reply.
 * A cell whose whole text is `name?` shows that name's type and documentation in the pager,
 * as IPython's `obj?` does.
 */
import { Slot, StdinState } from "../wire/shared.js";
import { compileError, interruptedError, isInterrupt, thrownError, type ErrorContent } from "./errors.js";
import type { MimeBundle } from "../../../src/plot/display.js";
import { mimeBundle } from "./display.js";
import type { Kernel } from "./kernel.js";
import type { Request } from "../wire/threads.js";
import type { JsonObject } from "../wire/wire.js";

interface ExecuteContent {
  code: string;
  silent: boolean;
  storeHistory: boolean;
  stopOnError: boolean;
  userExpressions: Record<string, string>;
}

function normalize(c: JsonObject): ExecuteContent {
  const silent = c.silent === true;
  return {
    code: typeof c.code === "string" ? c.code : "",
    silent,
    // Messaging spec: silent forces store_history off.
    storeHistory: !silent && c.store_history !== false,
    stopOnError: c.stop_on_error !== false,
    userExpressions: (c.user_expressions ?? {}) as Record<string, string>,
  };
}

const pagerPattern = /^\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\?\s*$/;

/** The bundle for a value, computed under the interrupt guard; a broken display method falls back to text. */
async function bundleOf(k: Kernel, value: unknown): Promise<MimeBundle> {
  try {
    return await k.call(() => mimeBundle(value));
  } catch (e) {
    if (isInterrupt(e)) throw e;
    const err = thrownError(e);
    k.publish("stream", { name: "stderr", text: `display failed, showing text instead: ${err.ename}: ${err.evalue}\n` });
    return { "text/plain": String(value) };
  }
}

function errorOf(k: Kernel, outcome: { diagnostics?: unknown; thrown?: unknown }, code: string): ErrorContent {
  if (outcome.diagnostics) return compileError(outcome.diagnostics as Parameters<typeof compileError>[0], code);
  if (isInterrupt(outcome.thrown) || k.cells.interrupted) return interruptedError();
  return thrownError(outcome.thrown);
}

export async function doExecute(k: Kernel, r: Request): Promise<JsonObject> {
  const c = normalize(r.content);
  if (c.storeHistory) k.executionCount++;
  const count = k.executionCount;
  if (!c.silent) k.publish("execute_input", { code: c.code, execution_count: count });
  if (c.storeHistory) k.history.add(count, c.code);

  const page = pagerPattern.exec(c.code);
  if (page) {
    const text = k.cells.inspect(page[1], page[1].length) ?? `${page[1]}: no type information found`;
    return { status: "ok", execution_count: count, payload: [{ source: "page", data: { "text/plain": text }, start: 0 }], user_expressions: {} };
  }

  const outcome = await k.cells.run(c.code);
  let error: ErrorContent | undefined;
  if (outcome.ok) {
    try {
      if (outcome.hasValue && !c.silent) {
        const data = await bundleOf(k, outcome.value);
        k.publish("execute_result", { execution_count: count, data, metadata: {} });
        if (c.storeHistory && typeof data["text/plain"] === "string") k.history.setOutput(count, data["text/plain"]);
      }
    } catch (e) {
      error = isInterrupt(e) ? interruptedError() : thrownError(e);
    }
  } else {
    error = errorOf(k, outcome, c.code);
  }

  if (error) {
    if (error.ename === "Interrupted") {
      // The interrupt is handled: tell the socket thread, and forget a prompt the interrupt cut short.
      Atomics.store(k.shared.slots, Slot.InterruptAck, Atomics.load(k.shared.slots, Slot.InterruptGen));
      Atomics.store(k.shared.slots, Slot.StdinState, StdinState.Idle);
    }
    if (!c.silent) k.publish("error", error);
    if (c.stopOnError) k.abortQueuedCells();
    return { status: "error", execution_count: count, ...error };
  }
  return { status: "ok", execution_count: count, payload: [], user_expressions: await userExpressions(k, c.userExpressions) };
}

/** user_expressions: each evaluated after the cell, reported as a bundle or an error. */
async function userExpressions(k: Kernel, exprs: Record<string, string>): Promise<JsonObject> {
  const out: JsonObject = {};
  for (const [name, expr] of Object.entries(exprs)) {
    const o = await k.cells.run(String(expr));
    out[name] = o.ok ? { status: "ok", data: o.hasValue ? await bundleOf(k, o.value) : { "text/plain": "undefined" }, metadata: {} } : { status: "error", ...errorOf(k, o, String(expr)) };
  }
  return out;
}
