/**
 * The session's input history for history_request, with IPython's semantics (IPython/core/
 * history.py): entries are (session, line, input) or (session, line, [input, output]); `tail`
 * gives the last n, `range` lines start <= line < stop of one session, `search` a glob over the
 * whole input (sqlite GLOB: `*`, `?`, `[...]`), the last n matches, optionally one per input.
 * History lives in memory; a new kernel starts a new session.
 */

export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

export type HistoryRow = [number, number, string] | [number, number, [string, string | null]];

export interface HistoryQuery {
  hist_access_type?: string;
  output?: boolean;
  session?: number;
  start?: number;
  stop?: number | null;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

/** A glob as a regular expression anchored at both ends, as sqlite's GLOB matches. */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = pattern.slice(i + 1, end);
        re += body.startsWith("^") ? `[^${body.slice(1).replace(/\\/g, "\\\\")}]` : `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export class History {
  private readonly entries: HistoryEntry[] = [];

  /** The session number this kernel's entries carry; session 0 in a request also means "this one". */
  constructor(readonly session = 1) {}

  add(line: number, input: string): void {
    this.entries.push({ session: this.session, line, input, output: null });
  }

  /** Records the text/plain of a cell's result, IPython's Out[line]. */
  setOutput(line: number, output: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i].line === line) return void (this.entries[i].output = output);
    }
  }

  query(q: HistoryQuery): HistoryRow[] {
    const rows = this.select(q);
    return rows.map((e) => (q.output ? [e.session, e.line, [e.input, e.output]] : [e.session, e.line, e.input]));
  }

  private select(q: HistoryQuery): HistoryEntry[] {
    const last = (xs: HistoryEntry[], n: number | null | undefined) => (n == null ? xs : xs.slice(Math.max(0, xs.length - n)));
    switch (q.hist_access_type) {
      case "tail":
        return last(this.entries, q.n ?? 10);
      case "range": {
        const session = q.session ?? 0;
        if (session !== 0 && session !== this.session) return [];
        const start = q.start ?? 1;
        return this.entries.filter((e) => e.line >= start && (q.stop == null || e.line < q.stop));
      }
      case "search": {
        const re = globToRegExp(q.pattern ?? "*");
        let hits = this.entries.filter((e) => re.test(e.input));
        if (q.unique) {
          // Keep each input's latest occurrence, in order.
          const seen = new Set<string>();
          hits = hits.reverse().filter((e) => !seen.has(e.input) && seen.add(e.input)).reverse();
        }
        return last(hits, q.n);
      }
      default:
        throw new Error(`history_request: hist_access_type ${JSON.stringify(q.hist_access_type)} is not one of tail, range, search`);
    }
  }
}
