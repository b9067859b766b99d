/**
 * Bundles page/main.ts (the HTML widget manager wired to a kernel) with esbuild into one
 * script and one stylesheet, fonts inlined, so the page needs nothing but the Jupyter server.
 */
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

export interface PageBundle {
  js: string;
  css: string;
}

/**
 * @jupyter/web-components (pulled in by @jupyterlab/ui-components) imports `tslib`, which npm
 * left out of the install as an optional package; a nested copy that has `__decorate` serves.
 */
function tslibAlias(root: string): Record<string, string> {
  try {
    createRequire(join(root, "package.json")).resolve("tslib");
    return {};
  } catch {
    const nested = join(root, "node_modules/@microsoft/fast-foundation/node_modules/tslib/tslib.es6.js");
    return existsSync(nested) ? { tslib: nested } : {};
  }
}

export async function bundlePage(root: string, outdir: string): Promise<PageBundle> {
  await build({
    entryPoints: [join(root, "test/browser/page/main.ts")],
    bundle: true,
    outdir,
    format: "iife",
    platform: "browser",
    target: "es2020",
    alias: tslibAlias(root),
    loader: { ".css": "css", ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".eot": "dataurl", ".svg": "dataurl" },
    define: { "process.env.NODE_ENV": '"production"', global: "window" },
    logLevel: "error",
  });
  return { js: readFileSync(join(outdir, "main.js"), "utf8"), css: readFileSync(join(outdir, "main.css"), "utf8") };
}
