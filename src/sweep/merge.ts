/**
 * The merged table of a sweep from what its cache holds: every point read back (never
 * computed), the missing ones and those with an `<hash>.error.txt` listed apart.
 */
import type { ColumnTable } from "arquero";
import { planKey, readPoint } from "../run/cache.js";
import { recordFromCache } from "../run/runner.js";
import type { GridPoint } from "./grid.js";
import { errorPath, planOf, readError, type PointTask } from "./point.js";
import { pick, withPointColumns } from "./sweep.js";

export interface MergeResult {
  table?: ColumnTable;
  cached: number[];
  missing: number[];
  failed: Array<{ index: number; error: string; file: string }>;
}

export async function mergeCached(points: GridPoint[], tasks: PointTask[], tableName?: string): Promise<MergeResult> {
  const parts: ColumnTable[] = [];
  const out: MergeResult = { cached: [], missing: [], failed: [] };
  for (let i = 0; i < tasks.length; i++) {
    const plan = planOf(tasks[i]);
    const cached = await readPoint(tasks[i].cacheDir, planKey(plan));
    if (cached) {
      out.cached.push(i);
      parts.push(withPointColumns(pick(recordFromCache(plan, cached), tableName), points[i]));
      continue;
    }
    out.missing.push(i);
    const file = errorPath(tasks[i].cacheDir, plan);
    const error = await readError(file);
    if (error !== undefined) out.failed.push({ index: i, error: error.split("\n").slice(0, 2).join(" "), file });
  }
  if (parts.length) out.table = parts.length === 1 ? parts[0] : parts[0].concat(...parts.slice(1));
  return out;
}
