/**
 * Progress on stderr for long runs, so stdout stays clean for --json. On a terminal one line is
 * rewritten in place; in a log (CI, a pipe) a line is printed every 10%, so logs stay short.
 */
import type { ProgressFn } from "../experiments/types.js";

export function stderrProgress(name: string): ProgressFn & { end(): void } {
  const tty = process.stderr.isTTY === true;
  const start = performance.now();
  let lastPrint = 0;
  let lastDecile = -1;
  let drawn = false;
  const fn = ((done: number, total: number, label?: string) => {
    const now = performance.now();
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const elapsed = (now - start) / 1000;
    const eta = frac > 0 ? elapsed * (1 / frac - 1) : NaN;
    const text = `${name}: ${(100 * frac).toFixed(0).padStart(3)}%${label ? ` ${label}` : ""} · ${elapsed.toFixed(1)} s${Number.isFinite(eta) && frac < 1 ? `, ~${eta.toFixed(0)} s left` : ""}`;
    if (tty) {
      if (now - lastPrint < 200 && frac < 1) return;
      lastPrint = now;
      process.stderr.write(`\r\x1b[2K${text}`);
      drawn = true;
    } else {
      const decile = Math.floor(frac * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      process.stderr.write(`${text}\n`);
    }
  }) as ProgressFn & { end(): void };
  fn.end = () => {
    if (tty && drawn) process.stderr.write("\n");
  };
  return fn;
}

/**
 * Progress of several runs at once (`reproduce --jobs N`). On a terminal one line shows every
 * run in flight ("intrinsic-dimension 34% · lora-spectra 80%"); in a log each run prints its own
 * lines every 10%, as a single run does.
 */
export function stderrProgressGroup(): { update(name: string, done: number, total: number, label?: string): void; end(name: string): void } {
  const tty = process.stderr.isTTY === true;
  const lines = new Map<string, ReturnType<typeof stderrProgress>>();
  const percents = new Map<string, number>();
  let lastPrint = 0;
  const draw = () => {
    const text = [...percents].map(([name, frac]) => `${name} ${(100 * frac).toFixed(0)}%`).join(" · ");
    process.stderr.write(`\r\x1b[2K${text}`);
  };
  return {
    update(name, done, total, label) {
      if (!tty) {
        if (!lines.has(name)) lines.set(name, stderrProgress(name));
        lines.get(name)!(done, total, label);
        return;
      }
      percents.set(name, total > 0 ? Math.min(1, done / total) : 0);
      const now = performance.now();
      if (now - lastPrint < 200) return;
      lastPrint = now;
      draw();
    },
    end(name) {
      lines.delete(name);
      if (tty && percents.delete(name)) process.stderr.write("\r\x1b[2K");
    },
  };
}
