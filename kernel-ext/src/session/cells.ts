/**
 * Cells compiled and run by tslab's converter and executor, reused as they are: tslab type-checks
 * each cell against the declarations of the cells before it, keeps their variables, and handles
 * top-level await. Its executor reports through a console (errors, the last expression's value)
 * rather than return values; here that console is a recorder, so the kernel gets the thrown value
 * and the cell's value as objects, and the converter is wrapped to keep structured diagnostics
 * and to bracket each cell's code for interrupts (userCode.ts).
 */
import { createExecutor, type ConverterSet, type Executor } from "tslab/dist/executor.js";
import { createConverter, isCompleteCode, type Converter, type Diagnostic } from "tslab/dist/converter.js";
import { printQuickInfo } from "tslab/dist/inspect.js";
import { inPhase, Phase, Slot, type SharedState } from "../wire/shared.js";
import { afterUserCode, bracketCell, userCodeDepth } from "./userCode.js";
import { tslabTypeScript } from "./moduleAlias.js";

export type RunOutcome =
  | { ok: true; value: unknown; hasValue: boolean }
  | { ok: false; diagnostics: Diagnostic[]; thrown?: undefined }
  | { ok: false; diagnostics?: undefined; thrown: unknown };

export interface Completion {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
}

export type Completeness = { status: "complete" | "invalid" } | { status: "incomplete"; indent: string };

/** A converter whose calls are marked as kernel work (see wire/shared.ts) and whose diagnostics are kept. */
function watchedConverter(make: () => Converter, shared: SharedState, onDiagnostics: (d: Diagnostic[]) => void): () => Converter {
  let c: Converter | undefined;
  return () => {
    if (c) return c;
    const inner = inPhase(shared, Phase.KernelWork, make);
    c = {
      convert: (prev, src) => {
        const r = inPhase(shared, Phase.KernelWork, () => inner.convert(prev, src));
        onDiagnostics(r.diagnostics);
        return r.output ? { ...r, output: bracketCell(r.output, r.hasToplevelAwait === true) } : r;
      },
      addModule: (name, content, meta) => {
        const d = inPhase(shared, Phase.KernelWork, () => inner.addModule(name, content, meta));
        onDiagnostics(d);
        return d;
      },
      inspect: (prev, src, pos) => inPhase(shared, Phase.KernelWork, () => inner.inspect(prev, src, pos)),
      complete: (prev, src, pos) => inPhase(shared, Phase.KernelWork, () => inner.complete(prev, src, pos)),
      close: () => inner.close(),
    };
    return c;
  };
}

export class Cells {
  private readonly executor: Executor;
  /** What the executor reported during the current run. */
  private record: { diagnostics: Diagnostic[]; thrown?: { value: unknown }; value?: { value: unknown } } = { diagnostics: [] };
  /** Set by interrupt(): the executor's own rejection then means "Interrupted". */
  interrupted = false;

  constructor(private readonly shared: SharedState, rootDir = process.cwd()) {
    const keep = (d: Diagnostic[]) => (this.record.diagnostics = d);
    // Made on first use, as tslab's own ConverterSetImpl does: most sessions never compile browser code.
    const made = new Set<Converter>();
    const track = (c: Converter) => (made.add(c), c);
    const node = watchedConverter(() => createConverter({ isJS: false, isBrowser: false }), shared, keep);
    const browser = watchedConverter(() => createConverter({ isJS: false, isBrowser: true }), shared, keep);
    const convs: ConverterSet = {
      get node() {
        return track(node());
      },
      get browser() {
        return track(browser());
      },
      close: () => made.forEach((c) => c.close()),
    };
    this.executor = createExecutor(rootDir, convs, {
      log: (value: unknown) => (this.record.value = { value }),
      // Called with a format string for diagnostics (kept structured above) or with the thrown value.
      error: (first: unknown, ...rest: unknown[]) => {
        if (!(typeof first === "string" && first.startsWith("%s%d:%d") && rest.length === 4)) this.record.thrown = { value: first };
      },
    });
    convs.node; // Warm the compiler now (about a second) rather than in the first cell.
  }

  /**
   * Compiles and runs one cell. Its synchronous part runs under the vm watchdog, bracketed by
   * userCode.ts, so a SIGINT stops a busy loop; a pending top-level await is stopped by interrupt().
   */
  async run(code: string): Promise<RunOutcome> {
    const record: Cells["record"] = (this.record = { diagnostics: [] });
    this.interrupted = false;
    const depth = userCodeDepth();
    const phase = Atomics.load(this.shared.slots, Slot.Phase) as Phase;
    let pending: Promise<boolean>;
    try {
      pending = this.executor.execute(code);
    } finally {
      afterUserCode(this.shared, phase, depth);
    }
    const ok = await pending;
    if (ok) return { ok: true, value: record.value?.value, hasValue: record.value !== undefined };
    if (record.thrown) return { ok: false, thrown: record.thrown.value };
    return { ok: false, diagnostics: record.diagnostics };
  }

  /** Rejects the pending top-level await of the running cell, if any. */
  interrupt(): void {
    this.interrupted = true;
    this.executor.interrupt();
  }

  complete(code: string, cursor: number): Completion {
    const info = this.executor.complete(code, cursor);
    return { matches: info.candidates, cursorStart: info.start, cursorEnd: info.end };
  }

  /** Type and documentation of the name at `cursor`, as text; undefined when there is none. */
  inspect(code: string, cursor: number): string | undefined {
    const info = this.executor.inspect(code, cursor);
    return info ? printQuickInfo(info) : undefined;
  }

  close(): void {
    this.executor.close();
  }
}

/**
 * is_complete: tslab's rule (a parse error at the very end that says "... expected" means more
 * is coming) gives "incomplete"; any other parse error means no continuation can fix it.
 */
export function completeness(code: string): Completeness {
  const r = isCompleteCode(code);
  if (!r.completed) return { status: "incomplete", indent: r.indent ?? "" };
  const ts = tslabTypeScript();
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS) as unknown as { parseDiagnostics?: unknown[] };
  return { status: sf.parseDiagnostics && sf.parseDiagnostics.length > 0 ? "invalid" : "complete" };
}
