/**
 * The on-disk cache of sweep points: one JSON file per (experiment, params, seed, package
 * version), named by a hash of those four. A file is written to a temporary name and then
 * renamed over its final name; rename is atomic on one filesystem, so a reader (or a sweep
 * restarted after a crash or an interrupt) sees a whole point or none, never half a file.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { packageVersion } from "../compute/packageInfo.js";
import { UsageError } from "../compute/usageError.js";
import type { Plan } from "./plan.js";
import { tableFromJSON, tableToJSON, type TableJSON } from "./tableJSON.js";
import type { ColumnTable } from "arquero";

/** What identifies a point. Any change to one of these is a different point. */
export interface PointKey {
  experiment: string;
  params: Record<string, unknown>;
  seed: number;
  version: string;
}

export interface CachedPoint {
  key: PointKey;
  /** The backend that computed it (absent in files written before it was recorded). */
  backend?: string;
  durationMs: number;
  createdAt: string;
  metrics: Record<string, number>;
  tables: Record<string, ColumnTable>;
}

interface PointFile {
  format: 1;
  key: PointKey;
  backend?: string;
  durationMs: number;
  createdAt: string;
  /** Non-finite metrics are stored as strings, as in table columns. */
  metrics: Record<string, number | string>;
  tables: Record<string, TableJSON>;
}

/** A plan's cache key: the resolved params (not how they were spelled) and the seed, under this package version. */
export function planKey(plan: Plan): PointKey {
  return { experiment: plan.experiment.name, params: { ...plan.params }, seed: plan.seed, version: packageVersion };
}

/** JSON with object keys sorted at every level, so equal keys always hash equal. */
export function canonicalJSON(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJSON).join(",")}]`;
  if (x && typeof x === "object") {
    const entries = Object.entries(x as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJSON(v)}`).join(",")}}`;
  }
  if (typeof x === "number" && !Number.isFinite(x)) return JSON.stringify(String(x));
  return JSON.stringify(x) ?? "null";
}

/** 24 hex digits (96 bits) of SHA-256: collisions are out of reach, and the stored key is checked on read anyway. */
export function pointHash(key: PointKey): string {
  return createHash("sha256").update(canonicalJSON(key)).digest("hex").slice(0, 24);
}

export function pointPath(cacheDir: string, key: PointKey): string {
  return join(cacheDir, key.experiment, `${pointHash(key)}.json`);
}

/** The cached point for `key`, or undefined when absent, unreadable, or made for another key. */
export async function readPoint(cacheDir: string, key: PointKey): Promise<CachedPoint | undefined> {
  let file: PointFile;
  try {
    file = JSON.parse(await readFile(pointPath(cacheDir, key), "utf8")) as PointFile;
  } catch {
    return undefined;
  }
  if (file.format !== 1 || canonicalJSON(file.key) !== canonicalJSON(key)) return undefined;
  const tables: Record<string, ColumnTable> = {};
  for (const [name, t] of Object.entries(file.tables)) tables[name] = tableFromJSON(t);
  const metrics: Record<string, number> = {};
  for (const [name, v] of Object.entries(file.metrics)) metrics[name] = Number(v);
  return { key: file.key, backend: file.backend, durationMs: file.durationMs, createdAt: file.createdAt, metrics, tables };
}

/** Writes a point atomically: a temporary file in the same folder, then rename. */
export async function writePoint(cacheDir: string, point: CachedPoint): Promise<string> {
  const path = pointPath(cacheDir, point.key);
  const dir = join(cacheDir, point.key.experiment);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`sweep: cannot create the cache folder ${dir} (${(e as Error).message}); pass cacheDir to use another`);
  }
  const file: PointFile = {
    format: 1,
    key: point.key,
    backend: point.backend,
    durationMs: point.durationMs,
    createdAt: point.createdAt,
    metrics: Object.fromEntries(Object.entries(point.metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : String(v)])),
    tables: Object.fromEntries(Object.entries(point.tables).map(([name, t]) => [name, tableToJSON(t)])),
  };
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(file));
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return path;
}
