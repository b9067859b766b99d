/**
 * Chooses the tfjs backend once per process. Order, unless LOWRANK_BACKEND names one:
 * tfjs-node-gpu (CUDA) > webgpu (Dawn on Vulkan, a hardware adapter only) > tfjs-node
 * (native CPU) > wasm (the embedded default) > cpu. The native and WebGPU packages are
 * optional dependencies (the native ones fetch libtensorflow when installed, which fails
 * offline), so each is tried and the reason it did not load is kept for `doctor`.
 */
import * as tf from "@tensorflow/tfjs";
import { threadCount, wasmThreadCount } from "./threads.js";
import { UsageError } from "./usageError.js";
import { installWasmThreads } from "./wasmThreads.js";
import { adapterChoice, installWebGPU, type AdapterInfo } from "./webgpu.js";

export type BackendName = "tensorflow-gpu" | "webgpu" | "tensorflow" | "wasm" | "cpu";

/** The names LOWRANK_BACKEND accepts, in the order they are tried. */
export const backendNames: readonly BackendName[] = ["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"];

export interface BackendAttempt {
  name: BackendName;
  /** The npm package that provides it. */
  package: string;
  loaded: boolean;
  /** Why it did not load (first line of the error), when it did not. */
  reason?: string;
}

export interface DeviceInfo {
  /** The backend every tensor of this process runs on. */
  backend: BackendName;
  /** tfjs's own name for it ('tensorflow' for both native packages). */
  tfjsBackend: string;
  /** How the choice was made. */
  chosenBy: "LOWRANK_BACKEND" | "first that loaded";
  attempts: BackendAttempt[];
  tfjsVersion: string;
  /** The adapter, when the backend is webgpu. */
  adapter?: AdapterInfo;
  /**
   * The wasm backend's threads (LOWRANK_THREADS when set, else 1; at most 8), when the backend is
   * wasm; `fellBack` says why the threaded build did not load, when it did not.
   */
  wasmThreads?: { threads: number; fellBack?: string };
}

const packages: Record<BackendName, string> = {
  "tensorflow-gpu": "@tensorflow/tfjs-node-gpu",
  webgpu: "@tensorflow/tfjs-backend-webgpu + webgpu (Dawn)",
  tensorflow: "@tensorflow/tfjs-node",
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: "@tensorflow/tfjs (built in)",
};

let adapter: AdapterInfo | undefined;
let wasmThreads: { threads: number; fellBack?: string } | undefined;

async function tryLoad(name: BackendName): Promise<void> {
  switch (name) {
    case "tensorflow-gpu":
      await import("@tensorflow/tfjs-node-gpu" as string);
      break;
    case "webgpu":
      adapter = await installWebGPU();
      await import("@tensorflow/tfjs-backend-webgpu" as string);
      break;
    case "tensorflow":
      await import("@tensorflow/tfjs-node" as string);
      break;
    case "wasm":
      wasmThreads ??= installWasmThreads(await import("@tensorflow/tfjs-backend-wasm"), wasmThreadCount());
      break;
    case "cpu":
      break;
  }
  const tfjsName = name === "tensorflow-gpu" ? "tensorflow" : name;
  if (!(await tf.setBackend(tfjsName))) throw new Error(`tf.setBackend('${tfjsName}') returned false`);
  await tf.ready();
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split("\n")[0].slice(0, 200);
}

let chosen: Promise<DeviceInfo> | undefined;

/**
 * Picks and initialises the backend (once; later calls return the same answer).
 * Throws a UsageError when LOWRANK_BACKEND names an unknown or unavailable backend:
 * a forced choice never falls back silently.
 */
export function initBackend(): Promise<DeviceInfo> {
  chosen ??= choose();
  return chosen;
}

async function choose(): Promise<DeviceInfo> {
  const forced = process.env.LOWRANK_BACKEND?.trim();
  const attempts: BackendAttempt[] = [];
  const finish = (backend: BackendName, chosenBy: DeviceInfo["chosenBy"]): DeviceInfo => ({
    backend,
    tfjsBackend: tf.getBackend(),
    chosenBy,
    attempts,
    tfjsVersion: tf.version_core,
    ...(backend === "webgpu" && adapter ? { adapter } : {}),
    ...(backend === "wasm" && wasmThreads ? { wasmThreads: { ...wasmThreads } } : {}),
  });
  try {
    adapterChoice(); // a misspelt LOWRANK_WEBGPU_ADAPTER is a mistake whatever backend runs
    threadCount(); // likewise LOWRANK_THREADS
  } catch (e) {
    chosen = undefined;
    throw e;
  }
  if (forced) {
    if (!backendNames.includes(forced as BackendName)) {
      chosen = undefined;
      throw new UsageError(`LOWRANK_BACKEND=${forced} is not a backend; allowed: ${backendNames.join(", ")}`);
    }
    const name = forced as BackendName;
    try {
      await tryLoad(name);
    } catch (e) {
      chosen = undefined;
      throw new UsageError(`LOWRANK_BACKEND=${name} is not available here (${packages[name]}: ${firstLine(e)}); unset it to pick the first backend that loads`);
    }
    attempts.push({ name, package: packages[name], loaded: true });
    return finish(name, "LOWRANK_BACKEND");
  }
  for (const name of backendNames) {
    try {
      await tryLoad(name);
      attempts.push({ name, package: packages[name], loaded: true });
      return finish(name, "first that loaded");
    } catch (e) {
      attempts.push({ name, package: packages[name], loaded: false, reason: firstLine(e) });
    }
  }
  throw new Error("no tfjs backend could be initialised, not even 'cpu'");
}

/** What `lab.device()` and `lowrank-lab doctor` report. */
export function device(): Promise<DeviceInfo> {
  return initBackend();
}

export { tf };
