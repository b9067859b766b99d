/**
 * The package's own root folder and version, found by walking up from this module, so the
 * same code works from src/ (tsx, vitest) and from dist/src/ (the built CLI).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, "utf8")).name === "lowrank-lab") return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("lowrank-lab: cannot find the package's package.json above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Absolute path of the folder holding lowrank-lab's package.json. */
export const packageRoot: string = findRoot();

/** The version in package.json; part of every sweep cache key. */
export const packageVersion: string = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")).version;
