/**
 * tfjs's WebAssembly backend on several threads in Node. @tensorflow/tfjs-backend-wasm ships an
 * emscripten-pthreads build (XNNPACK on a pthreadpool, tfjs-backend-wasm-threaded-simd.wasm) but
 * never loads it in Node: its WASM_HAS_MULTITHREAD_SUPPORT flag is false there (tfjs issue 3830).
 * Forcing the flag is not enough, for three reasons, each worked around here:
 *
 * - Its loader gives emscripten blob: URLs for the pthread worker script and the main script,
 *   and worker_threads cannot start a blob: URL. Here both are files: the main script is the
 *   package's own, and the worker script (shipped only as a string) is written once to the
 *   temporary folder under a name derived from its contents.
 * - The backend caps its pool at navigator.hardwareConcurrency / 2, which emscripten answers in
 *   Node with os.cpus().length / 2: one thread on a 2-core machine. Here the one import that
 *   answers it (emscripten_num_logical_cores) reports twice the threads asked for.
 * - The pool's threads wait for work forever, and a running pthread's worker is ref'd, so Node
 *   would never exit. Here the workers are unref'd once the pool is up.
 *
 * Also, worker_threads hands each worker the process's own Node flags, and some (`--input-type`,
 * as `node --input-type=module -e` sets) make a worker fail at start, which emscripten turns into
 * an uncaught error. Here the pthread workers start with no flags: they only run WebAssembly.
 *
 * The build starts 8 workers up front (its PTHREAD_POOL_SIZE, also its largest pool); all but
 * the `threads` the pool can use are stopped before they load the module.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";

/** The most threads the threaded build's pool takes (8 workers are built in). */
export const maxWasmThreads = 8;

interface Pthreads {
  unusedWorkers: { terminate(): void; unref(): void }[];
  runningWorkers: { unref(): void }[];
}

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread: Pthreads;
}

type WasmPackage = typeof import("@tensorflow/tfjs-backend-wasm");

const require = createRequire(import.meta.url);

/** The pthread worker script as a CommonJS file (it calls require and reads __filename). */
function workerScript(source: string): string {
  // the string's \n escapes were turned into newlines when it was embedded; tfjs re-escapes them too
  const text = source.replace(/\n/g, "\\n");
  const path = join(tmpdir(), `lowrank-tfjs-wasm-pthread-${createHash("sha256").update(text).digest("hex").slice(0, 16)}.cjs`);
  if (!existsSync(path)) {
    const partial = `${path}.${process.pid}`;
    writeFileSync(partial, text);
    renameSync(partial, path); // atomic, so a concurrent process never reads half a file
  }
  return path;
}

async function threadedModule(threads: number): Promise<EmscriptenModule> {
  const dir = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "wasm-out");
  const main = join(dir, "tfjs-backend-wasm-threaded-simd.js");
  const factory = require(main) as (config: object) => Promise<EmscriptenModule>;
  const worker = workerScript((require(join(dir, "tfjs-backend-wasm-threaded-simd.worker.js")) as { wasmWorkerContents: string }).wasmWorkerContents);
  const binary = readFileSync(join(dir, "tfjs-backend-wasm-threaded-simd.wasm"));
  const config: { PThread?: Pthreads } & Record<string, unknown> = {
    locateFile: (path: string) => (path.endsWith(".worker.js") ? worker : join(dir, path)),
    mainScriptUrlOrBlob: main, // what each worker loads (a path: worker_threads cannot load a Blob)
    instantiateWasm(info: { env: Record<string, unknown> }, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
      info.env.emscripten_num_logical_cores = () => 2 * threads; // the backend halves it
      WebAssembly.instantiate(binary, info as WebAssembly.Imports).then(({ instance, module }) => {
        config.PThread!.unusedWorkers.splice(threads).forEach((w) => w.terminate()); // the pool needs threads − 1
        receive(instance, module);
      });
      return {};
    },
  };
  // emscripten starts the pool's workers with `new Worker(path)` on the global it sets to
  // worker_threads' Worker, during the factory call; for that call the global is ours instead
  const before = Object.getOwnPropertyDescriptor(globalThis, "Worker");
  Object.defineProperty(globalThis, "Worker", { configurable: true, get: () => PthreadWorker, set: () => {} });
  try {
    return factory(config);
  } finally {
    if (before) Object.defineProperty(globalThis, "Worker", before);
    else delete (globalThis as { Worker?: unknown }).Worker;
  }
}

/** A pthread worker, started without the process's Node flags. */
class PthreadWorker extends Worker {
  constructor(path: string) {
    super(path, { execArgv: [] });
  }
}

/**
 * Replaces the 'wasm' backend's factory with one that loads the threaded build on `threads`
 * threads (at most maxWasmThreads), falling back to the package's own single-threaded loader if
 * that fails; `fellBack` then holds why. Call before tf.setBackend('wasm'); a count of 1 leaves
 * the package's loader untouched.
 */
export function installWasmThreads(wasm: WasmPackage, threads: number): { threads: number; fellBack?: string } {
  const n = Math.min(threads, maxWasmThreads);
  const result: { threads: number; fellBack?: string } = { threads: 1 };
  if (n <= 1) return result;
  const original = tf.findBackendFactory("wasm");
  if (!original) throw new Error("@tensorflow/tfjs-backend-wasm did not register the 'wasm' backend");
  tf.removeBackend("wasm");
  tf.registerBackend(
    "wasm",
    async () => {
      let module: EmscriptenModule;
      try {
        module = await threadedModule(n);
      } catch (e) {
        result.fellBack = e instanceof Error ? e.message : String(e);
        return original();
      }
      const m = module as EmscriptenModule & { tfjs?: object };
      // the same bindings tfjs's own loader attaches (backend_wasm.js, init)
      m.tfjs = {
        init: m.cwrap("init", null, []),
        initWithThreadsCount: m.cwrap("init_with_threads_count", null, ["number"]),
        getThreadsCount: m.cwrap("get_threads_count", "number", []),
        registerTensor: m.cwrap("register_tensor", null, ["number", "number", "number"]),
        disposeData: m.cwrap("dispose_data", null, ["number"]),
        dispose: m.cwrap("dispose", null, []),
      };
      wasm.setThreadsCount(n);
      const backend = new wasm.BackendWasm(m as unknown as ConstructorParameters<typeof wasm.BackendWasm>[0]); // starts the pool
      result.threads = wasm.getThreadsCount();
      for (const w of [...m.PThread.runningWorkers, ...m.PThread.unusedWorkers]) w.unref();
      return backend;
    },
    2, // the priority tfjs-backend-wasm registers with
  );
  return result;
}
