/**
 * The kernel process, started by Jupyter as the kernelspec says:
 *   node dist/kernel-ext/src/main.js CONNECTION_FILE
 * It starts the socket thread, then tslab's compiler, then the session's first cells: the
 * display/prompt helpers and `lab`, the package this kernel belongs to, found relative to this
 * file so a clone works without `npm link`.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { packageRoot } from "../../src/compute/packageInfo.js";
import { readConnectionFile } from "./wire/connection.js";
import { createSharedState, Phase, Slot, tickMs } from "./wire/shared.js";
import { kernelInfo } from "./session/kernelInfo.js";
import { log, Transport } from "./wire/transport.js";
import { aliasPackageForCells, aliasPackageForCompiler, onlyNodeGlobalTypes } from "./session/moduleAlias.js";
import { Cells } from "./session/cells.js";
import { Kernel } from "./session/kernel.js";
import { redirectStreams } from "./session/streams.js";
import { installBridge } from "./session/kernelBridge.js";
import { installUserApi, userApiCell } from "./session/userApi.js";
import { thrownError } from "./session/errors.js";
import { installUserCodeHooks } from "./session/userCode.js";

const packageName = "lowrank-lab";

/** Loads the package's compiled public API; undefined (with the reason logged) when it cannot. */
async function loadLab(): Promise<unknown> {
  const index = path.join(packageRoot, "dist", "src", "index.js");
  if (!existsSync(index)) return log(`${index} does not exist (run \`npm run build\`); \`lab\` is not preloaded`);
  try {
    return await import(pathToFileURL(index).href);
  } catch (e) {
    log(`loading ${index} failed; \`lab\` is not preloaded: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

export async function startKernel(connectionFile: string): Promise<void> {
  const shared = createSharedState();
  // Until the first request is served, the main thread only runs kernel code: never terminate it.
  Atomics.store(shared.slots, Slot.Phase, Phase.KernelWork);
  const info = kernelInfo();
  const transport = new Transport(readConnectionFile(connectionFile), shared, info, randomUUID());
  let kernel: Kernel | undefined;
  // A SIGINT interrupts; it never ends the kernel.
  process.on("SIGINT", () => (kernel ? kernel.interrupt() : Atomics.store(shared.slots, Slot.InterruptAck, Atomics.load(shared.slots, Slot.InterruptGen))));
  // The socket thread reads this count to tell a blocked main thread from a busy machine.
  setInterval(() => Atomics.add(shared.slots, Slot.Tick, 1), tickMs).unref();
  installUserCodeHooks(shared);
  await transport.start();

  aliasPackageForCompiler(packageName, packageRoot);
  onlyNodeGlobalTypes();
  const cells = new Cells(shared);
  const k = (kernel = new Kernel(transport, shared, cells, info));
  redirectStreams(k);
  installBridge(k);
  installUserApi(k);
  // Errors from timers and unawaited promises a cell left behind: report them under a cell, keep running.
  const report = (what: string) => (e: unknown) => process.stderr.write(`${what}: ${thrownError(e).traceback.join("\n")}\n`);
  process.on("uncaughtException", report("Uncaught exception"));
  process.on("unhandledRejection", report("Unhandled promise rejection"));

  const lab = await loadLab();
  aliasPackageForCells(packageName, () => {
    if (lab === undefined) throw new Error(`${packageName} could not be loaded by the kernel; see the kernel's log`);
    return lab;
  });
  for (const [name, code] of [["display helpers", userApiCell], ["lab", `import * as lab from "${packageName}";`]] as const) {
    if (name === "lab" && lab === undefined) continue;
    const o = await cells.run(code);
    if (!o.ok) log(`preloading ${name} failed: ${JSON.stringify(o.diagnostics ?? thrownError(o.thrown).evalue)}`);
  }

  const shutdown = async () => {
    cells.close();
    await transport.stop();
    process.exit(0);
  };
  k.onShutdown = () => void shutdown();
  Atomics.store(shared.slots, Slot.Phase, Phase.EventLoop);
  transport.listen({ request: (r) => k.dispatch(r), interrupt: (gen) => k.interrupt(gen), shutdown: () => void shutdown() });
}

const connectionFile = process.argv[2];
if (!connectionFile) {
  log("usage: node main.js CONNECTION_FILE (Jupyter passes {connection_file})");
  process.exit(2);
}
await startKernel(connectionFile);
