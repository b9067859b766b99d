/**
 * Progress bars. In the lowrank-lab kernel a bar is one display entry updated in place
 * (display_data with a display_id, then update_display_data), so a long loop leaves one line
 * behind, not a stack of outputs; inside an `interact` re-run it shows under the previous
 * result instead; elsewhere it is one stderr line rewritten with \r.
 */
import { randomUUID } from "node:crypto";
import { UsageError } from "../compute/usageError.js";
import type { ProgressFn } from "../experiments/types.js";
import type { MimeBundle } from "../plot/display.js";
import { escapeHTML } from "../plot/html.js";
import { kernelBridge } from "./bridge.js";
import { currentSink, type DisplaySink } from "./sink.js";

export interface ProgressOptions {
  /** Shown before the bar, e.g. 'sweep matrix-sensing'; default 'progress'. */
  label?: string;
  /** Least time between two redraws, in ms; default 100. The first and last states always draw. */
  throttleMs?: number;
}

/** What one frame of a bar shows. */
export interface ProgressState {
  label: string;
  done: number;
  total: number;
  /** What is in flight, e.g. 'k=3, alpha=0.01'. */
  detail?: string;
  /** Added to the final line, e.g. '9 of 12 from cache'. */
  summary?: string;
  elapsedMs: number;
  finished: boolean;
}

export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

function formatRate(done: number, ms: number): string {
  const perSecond = ms > 0 ? (1000 * done) / ms : 0;
  if (perSecond === 0) return "";
  return perSecond >= 1 ? `${perSecond.toFixed(perSecond < 10 ? 1 : 0)}/s` : `${(1 / perSecond).toFixed(1)} s each`;
}

/** The text of one frame: 'label 37/100 · 12.3/s · ETA 5.1 s · k=3', or the final line. */
export function progressText(p: ProgressState): string {
  const count = `${Math.floor(p.done)}/${p.total}`;
  const rate = formatRate(p.done, p.elapsedMs);
  if (p.finished) return `${p.label}: ${count} in ${formatDuration(p.elapsedMs)}${rate ? ` (${rate})` : ""}${p.summary ? ` · ${p.summary}` : ""}`;
  const eta = p.done > 0 && p.done < p.total ? `ETA ${formatDuration((p.elapsedMs * (p.total - p.done)) / p.done)}` : "";
  return [`${p.label} ${count}`, rate, eta, p.detail ?? ""].filter(Boolean).join(" · ");
}

export function progressBundle(p: ProgressState): MimeBundle {
  const text = progressText(p);
  const font = "font:12px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif";
  if (p.finished) return { "text/html": `<div class="lowrank-progress" style="${font};color:#444">✓ ${escapeHTML(text)}</div>`, "text/plain": `✓ ${text}` };
  const pct = p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0;
  const bar = `<div style="flex:0 0 220px;height:10px;background:#e5e7eb;border-radius:3px;overflow:hidden"><div style="width:${pct.toFixed(1)}%;height:100%;background:#4c78a8"></div></div>`;
  const blocks = Math.round((20 * pct) / 100);
  return {
    "text/html": `<div class="lowrank-progress" style="${font};display:flex;align-items:center;gap:8px">${bar}<span>${escapeHTML(text)}</span></div>`,
    "text/plain": `[${"#".repeat(blocks)}${".".repeat(20 - blocks)}] ${text}`,
  };
}

/** A sink for a kernel display entry updated in place. */
function kernelSink(): DisplaySink | undefined {
  const bridge = kernelBridge();
  if (!bridge) return undefined;
  const displayId = `lowrank-progress-${randomUUID()}`;
  let shown = false;
  return (bundle) => {
    bridge.display(bundle, { displayId, update: shown });
    shown = true;
  };
}

/** stderr: a terminal gets one line rewritten with \r; a log (pipe, CI) only the final line. */
function stderrSink(): DisplaySink {
  const tty = process.stderr.isTTY === true;
  return (bundle, final) => {
    const text = String(bundle["text/plain"]);
    if (tty) process.stderr.write(`\r\x1b[2K${text}${final ? "\n" : ""}`);
    else if (final) process.stderr.write(`${text}\n`);
  };
}

export class ProgressBar {
  readonly label: string;
  total: number;
  done = 0;
  detail: string | undefined;
  #start = performance.now();
  #lastDraw = -Infinity;
  #finished = false;
  #summary: string | undefined;
  readonly #throttleMs: number;
  readonly #sink: DisplaySink;

  constructor(total: number, options: ProgressOptions = {}) {
    this.total = total;
    this.label = options.label ?? "progress";
    this.#throttleMs = options.throttleMs ?? 100;
    this.#sink = currentSink() ?? kernelSink() ?? stderrSink();
    this.#draw(true);
  }

  /** Moves forward by `n` units (default 1). */
  tick(n = 1, detail?: string): void {
    this.update(this.done + n, detail);
  }

  /** Sets how many units are done; reaching `total` finishes the bar. */
  update(done: number, detail?: string): void {
    if (this.#finished) return;
    this.done = Math.max(0, done);
    if (detail !== undefined) this.detail = detail;
    if (this.done >= this.total) this.finish();
    else this.#draw(false);
  }

  /** Replaces the bar with its final line (also when stopped early: it then reads e.g. 3/10), plus an optional summary. */
  finish(summary?: string): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#summary = summary;
    this.#sink(progressBundle(this.state()), true);
  }

  get finished(): boolean {
    return this.#finished;
  }

  state(): ProgressState {
    return { label: this.label, done: this.done, total: this.total, detail: this.detail, summary: this.#summary, elapsedMs: performance.now() - this.#start, finished: this.#finished };
  }

  #draw(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.#lastDraw < this.#throttleMs) return;
    this.#lastDraw = now;
    this.#sink(progressBundle(this.state()), false);
  }
}

/** One bar for `total` units; `tick()` / `update(done)` move it, reaching `total` ends it as a final line. */
export function progress(total: number, options: ProgressOptions = {}): ProgressBar {
  if (!Number.isFinite(total) || total < 0) throw new UsageError(`progress: total=${total} is not allowed; allowed: a number >= 0`);
  return new ProgressBar(total, options);
}

/**
 * A `ProgressFn` for the experiment runner (RunContext.progress): the bar appears at the
 * first report, follows `(done, total, label)`, and ends as a final line when done reaches total.
 */
export function progressFn(options: ProgressOptions = {}): ProgressFn {
  let bar: ProgressBar | undefined;
  return (done, total, label) => {
    if (!bar || bar.finished) bar = new ProgressBar(total, options);
    bar.total = total;
    bar.update(done, label);
  };
}
