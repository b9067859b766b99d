/**
 * Output files. Every file is written under a temporary name and renamed, so an interrupted run
 * never leaves a half-written file; folders are checked and made by outDir.ts.
 */
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { figureToPNG, figureToSVG } from "../plot/render.js";
import { planJSON, type Plan } from "../run/plan.js";
import type { RunRecord } from "../report/record.js";
import { makeOutDir } from "./outDir.js";

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

/** Writes everything a run produced into `dir` (created now if needed); returns the paths written. */
export function writeRunOutputs(record: RunRecord, plan: Plan, dir: string): string[] {
  makeOutDir(dir);
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
  put("params.json", JSON.stringify({ ...planJSON(plan), backend: record.backend }, null, 2) + "\n");
  return files;
}
