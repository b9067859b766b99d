/**
 * Debian's Jupyter server (classic Notebook 6, /usr/bin/python3 -m notebook) on a free
 * localhost port, with a token, and with every Jupyter folder (config, data, runtime, the
 * kernelspec path) inside one temporary directory, so the test neither reads nor writes the
 * user's Jupyter setup. The lowrank-lab kernelspec is installed there first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { createJupyterHome } from "../jupyterHome.js";

export interface JupyterServer {
  url: string;
  token: string;
  /** What the server printed, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, token: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Jupyter server exited with code ${child.exitCode}:\n${output()}`);
    try {
      const r = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the Jupyter server did not answer within ${timeoutMs} ms:\n${output()}`);
}

/** `allowOrigin`: a page origin allowed to call the API and open kernel websockets (CORS). */
export async function startJupyterServer(options: { allowOrigin?: string } = {}): Promise<JupyterServer> {
  const jupyter = await createJupyterHome("jupyter");
  const { dir: home, env } = jupyter;
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const url = `http://127.0.0.1:${port}/`;
  const child = spawn(
    "/usr/bin/python3",
    [
      "-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--NotebookApp.token=${token}`, `--notebook-dir=${home}`,
      ...(options.allowOrigin ? [`--NotebookApp.allow_origin=${options.allowOrigin}`] : []),
      // CI containers often run as root, which the server refuses without this.
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
    { env, cwd: home, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  try {
    await waitReady(url, token, child, () => output, 60_000);
  } catch (e) {
    child.kill("SIGKILL");
    jupyter.remove();
    throw e;
  }
  return {
    url,
    token,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      jupyter.remove();
    },
  };
}
