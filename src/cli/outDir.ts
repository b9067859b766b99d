/**
 * Output folders: checked before any work starts and created only when there is something to
 * write, so a run that fails leaves nothing behind. This module loads nothing heavy, so the CLI
 * can refuse a bad folder before it loads the experiments.
 *
 * The check never calls a recursive mkdir: Node 20's `mkdirSync(p, {recursive: true})` never
 * returns for a path under /proc. It finds the nearest existing ancestor instead, and refuses
 * pseudo filesystems (proc, sysfs, ...), where nothing a run writes could be kept.
 */
import { accessSync, constants, mkdirSync, statfsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "../compute/usageError.js";

/** statfs magic numbers of filesystems that hold no user files (linux/magic.h). */
const PSEUDO_FILESYSTEMS: Record<number, string> = {
  0x9fa0: "proc",
  0x62656572: "sysfs",
  0x1373: "devfs",
  0x64626720: "debugfs",
  0x27e0eb: "cgroup",
  0x63677270: "cgroup2",
  0x73636673: "securityfs",
  0xcafe4a11: "bpf",
  0x74726163: "tracefs",
};

function fail(dir: string, why: string): never {
  throw new UsageError(`output folder ${dir} is not writable (${why}); pass --out with a folder you can write to`);
}

/** Checks that `dir` is, or can be made, a writable folder; creates nothing. Returns its absolute path. */
export function checkOutDir(dir: string): string {
  const abs = resolve(dir);
  let existing = abs;
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(existing).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") fail(dir, code ?? String(e));
      const parent = dirname(existing);
      if (parent === existing) fail(dir, "no existing parent folder");
      existing = parent;
      continue;
    }
    if (!isDir) fail(dir, `${existing} is not a folder`);
    break;
  }
  try {
    const kind = PSEUDO_FILESYSTEMS[Number(statfsSync(existing).type)];
    if (kind) fail(dir, `${existing} is on the ${kind} pseudo filesystem`);
    accessSync(existing, constants.W_OK);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    fail(dir, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  return abs;
}

/** Creates a checked folder, one level at a time (never a recursive mkdir; see above). */
export function makeOutDir(abs: string): string {
  const missing: string[] = [];
  for (let p = abs; ; p = dirname(p)) {
    try {
      statSync(p);
      break;
    } catch {
      missing.unshift(p);
      if (dirname(p) === p) break;
    }
  }
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") fail(abs, (e as NodeJS.ErrnoException).code ?? String(e));
    }
  }
  return abs;
}

