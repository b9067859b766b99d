/**
 * Writes a run's figures (SVG + PNG), tables (CSV) and resolved params (JSON) into a folder.
 * Each file is written under a temporary name and renamed, so an interrupted run never leaves
 * a half-written file behind.
 */
import { mkdirSync, renameSync, writeFileSync, accessSync, constants, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../compute/usageError.js";
import type { RunRecord } from "../experiments/runner.js";
import { figureToPNG, figureToSVG } from "../plot/render.js";

/** Creates `dir` if needed and checks it can be written, before any work starts. */
export function prepareOutDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
    if (!statSync(abs).isDirectory()) throw new Error("not a folder");
    accessSync(abs, constants.W_OK);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UsageError(`output folder ${dir} is not writable (${why}); pass --out with a folder you can write to`);
  }
  return abs;
}

export function writeAtomic(path: string, content: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes everything a run produced into `dir`; returns the paths written. */
export function writeRunOutputs(record: RunRecord, dir: string): string[] {
  const files: string[] = [];
  const put = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeAtomic(path, content);
    files.push(path);
  };
  for (const fig of record.figures) {
    put(`${fig.id}.svg`, figureToSVG(fig));
    put(`${fig.id}.png`, figureToPNG(fig));
  }
  for (const [name, table] of Object.entries(record.result.tables)) put(`${name}.csv`, table.toCSV());
  const { experiment, preset, params, seed, backend } = record;
  put("params.json", JSON.stringify({ experiment, preset, params, seed, backend }, null, 2) + "\n");
  return files;
}
