/**
 * A throwaway Jupyter home for tests: the lowrank-lab kernelspec installed under a temporary
 * prefix and every Jupyter/IPython folder pointed inside it, so a test reads and writes nothing
 * global. Kernel, notebook and browser tests all start from here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installKernel } from "../kernel-ext/src/install.js";

export interface JupyterHome {
  /** The temporary folder; kernelspecs live under `<dir>/share/jupyter/kernels`. */
  dir: string;
  /** process.env plus JUPYTER_PATH, JUPYTER_{DATA,CONFIG,RUNTIME}_DIR and IPYTHONDIR inside `dir`. */
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export async function createJupyterHome(label: string): Promise<JupyterHome> {
  const dir = mkdtempSync(join(tmpdir(), `lowrank-${label}-`));
  await installKernel({ prefix: dir });
  const env = {
    ...process.env,
    JUPYTER_PATH: join(dir, "share", "jupyter"),
    JUPYTER_DATA_DIR: join(dir, "data"),
    JUPYTER_CONFIG_DIR: join(dir, "config"),
    JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
    IPYTHONDIR: join(dir, "ipython"),
    PYTHONDONTWRITEBYTECODE: "1",
  };
  return { dir, env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
