/**
 * Makes `import ... from "lowrank-lab"` work in a cell wherever the notebook lives, including in
 * a clone of this repository that was never `npm link`ed: the name means the package this kernel
 * belongs to, for the type checker and at run time alike.
 *
 * tslab compiles cells with its own TypeScript (module resolution "node10", which knows no
 * package self-reference) through `ts.sys`. Its converter already fakes `node_modules/tslab` in
 * the notebook's folder; this does the same for `node_modules/lowrank-lab`, and its `realpath`
 * maps the alias onto the real files so the compiler sees one copy of each declaration.
 */
import { createRequire } from "node:module";
import path from "node:path";
import type * as TS from "@tslab/typescript-for-tslab";

const require = createRequire(import.meta.url);

/** The TypeScript instance tslab compiles with (not the project's own `typescript`). */
export function tslabTypeScript(): typeof TS {
  const fromTslab = createRequire(require.resolve("tslab/package.json"));
  return fromTslab("@tslab/typescript-for-tslab") as typeof TS;
}

/**
 * Maps `<dir>/node_modules/<name>` (and everything under it) to `target` in tslab's compiler.
 * Call before the first converter is created: the compiler host binds `realpath` then.
 */
export function aliasPackageForCompiler(name: string, target: string, dir = process.cwd()): void {
  const sys = tslabTypeScript().sys;
  const alias = path.join(dir, "node_modules", name).replaceAll("\\", "/");
  const toReal = (p: string) => (p === alias || p.startsWith(alias + "/") ? target + p.slice(alias.length) : p);
  const { fileExists, directoryExists, readFile, realpath, getDirectories, readDirectory } = sys;
  sys.fileExists = (p) => fileExists(toReal(p));
  sys.directoryExists = (p) => directoryExists(toReal(p));
  sys.readFile = (p, encoding) => readFile(toReal(p), encoding);
  sys.getDirectories = (p) => getDirectories(toReal(p));
  sys.readDirectory = (p, ...rest) => readDirectory(toReal(p), ...rest);
  sys.realpath = (p) => (realpath ? realpath(toReal(p)) : toReal(p));
}

/**
 * TypeScript loads every package under a `node_modules/@types` it finds for its global
 * declarations; tslab leaves the default, so a project with @types/lodash, /jquery, /react...
 * (pulled in by dependencies) makes each kernel start parse megabytes of declarations nobody
 * uses from a cell. Only @types/node declares globals a Node cell needs; other @types packages
 * still load when a cell imports their module. Measured: the first compile goes from about 12 s
 * to 7 s on this repository's node_modules (2 busy cores).
 */
export function onlyNodeGlobalTypes(): void {
  const sys = tslabTypeScript().sys;
  const { getDirectories } = sys;
  sys.getDirectories = (p) => {
    const found = getDirectories(p);
    return /[\\/]node_modules[\\/]@types[\\/]?$/.test(p) ? found.filter((d) => d === "node") : found;
  };
}

/**
 * Makes `require(name)` inside cells (what tslab compiles `import` to) return `load()`.
 * tslab hands cells their `require` through `globalThis.__tslab__`, set by createExecutor.
 */
export function aliasPackageForCells(name: string, load: () => unknown): void {
  const holder = (globalThis as { __tslab__?: { require: NodeJS.Require } }).__tslab__;
  if (!holder) throw new Error("aliasPackageForCells: call it after tslab's createExecutor");
  const original = holder.require;
  holder.require = new Proxy(original, {
    apply: (target, self, args: unknown[]) => (args.length === 1 && args[0] === name ? load() : Reflect.apply(target, self, args)),
  });
}
