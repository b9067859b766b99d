/**
 * Installs the kernelspec `lowrank-lab` (jupyter-client docs, "Kernel specs"): a folder holding
 * kernel.json, in one of Jupyter's kernel folders. The spec starts this package's compiled
 * kernel with the Node.js that runs the installer, both by absolute path, so the kernel works
 * whatever PATH Jupyter has. `interrupt_mode: "message"` makes Jupyter interrupt through
 * interrupt_request on the control channel (served by the socket thread) rather than a signal.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../../src/compute/usageError.js";
import { packageRoot } from "../../src/compute/packageInfo.js";
import { displayName, kernelName } from "./session/kernelInfo.js";

export interface InstallOptions {
  /** The per-user kernels folder (the default). */
  user?: boolean;
  /** The kernels folder of the Python that runs `jupyter` (a virtualenv or conda env). */
  sysPrefix?: boolean;
  /** `<prefix>/share/jupyter/kernels`. */
  prefix?: string;
}

/** Jupyter's per-user data folder (jupyter_core.paths.jupyter_data_dir). */
function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? path.join(os.homedir(), "AppData", "Roaming"), "jupyter");
  return path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "jupyter");
}

/** The Python that `jupyter` runs under, read from its shebang (Debian: /usr/bin/python3). */
function jupyterPython(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const exe = path.join(dir, "jupyter");
    if (!existsSync(exe)) continue;
    const first = readFileSync(exe, "utf8").split("\n", 1)[0];
    if (first.startsWith("#!")) return first.slice(2).trim().split(/\s+/)[0];
  }
  return "python3";
}

function kernelsDir(o: InstallOptions): string {
  const chosen = [o.user, o.sysPrefix, o.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError("kernel install: give at most one of --user, --sys-prefix, --prefix DIR");
  if (o.prefix !== undefined) {
    if (o.prefix.trim() === "") throw new UsageError("kernel install --prefix: DIR is empty; give a folder, e.g. --prefix /tmp/jupyter-env");
    return path.join(path.resolve(o.prefix), "share", "jupyter", "kernels");
  }
  if (o.sysPrefix) {
    const python = jupyterPython();
    let prefix: string;
    try {
      prefix = execFileSync(python, ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
    } catch {
      throw new UsageError(`kernel install --sys-prefix: could not run ${python} to find sys.prefix; use --user or --prefix DIR`);
    }
    return path.join(prefix, "share", "jupyter", "kernels");
  }
  return path.join(userDataDir(), "kernels");
}

/** The kernelspec's content. */
export function kernelSpec(): Record<string, unknown> {
  // The compiled kernel, also when this runs from the TypeScript sources (tests).
  const main = path.join(packageRoot, "dist", "kernel-ext", "src", "main.js");
  return {
    argv: [process.execPath, main, "{connection_file}"],
    display_name: displayName,
    language: "typescript",
    interrupt_mode: "message",
    env: {},
    metadata: { debugger: false },
  };
}

/** Writes the kernelspec and returns its folder. */
export async function installKernel(o: InstallOptions = {}): Promise<string> {
  const dir = path.join(kernelsDir(o), kernelName);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(kernelSpec(), null, 2) + "\n");
  } catch (e) {
    throw new UsageError(`kernel install: cannot write ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)}); choose another place with --user or --prefix DIR`);
  }
  return dir;
}
