/**
 * WebGPU through Dawn (the `webgpu` npm package) on Vulkan: finds the loader and a driver,
 * picks an adapter, and installs `navigator.gpu` for `@tensorflow/tfjs-backend-webgpu`.
 *
 * A software adapter (SwiftShader, lavapipe) is slower than the WebAssembly backend on the
 * CPU, so it is never taken by default: only `LOWRANK_BACKEND=webgpu` together with
 * `LOWRANK_WEBGPU_ADAPTER=software` takes it, which is how the tests exercise this path on a
 * machine without a GPU. For that case the project finds a software driver itself (the
 * SwiftShader that Debian's chromium ships, or Mesa's lavapipe), so the user sets nothing else.
 *
 * Every failure is a one-line reason (for `doctor` and `lab.device()`), checked before Dawn
 * is loaded where possible: Dawn prints warnings of its own when it finds no Vulkan.
 */
import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { UsageError } from "./usageError.js";

/** What `doctor` prints about the adapter WebGPU runs on. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation of Vulkan (SwiftShader, lavapipe, llvmpipe), not a GPU. */
  software: boolean;
}

/** The only values LOWRANK_WEBGPU_ADAPTER takes. */
const adapterChoices = ["hardware", "software"] as const;
type AdapterChoice = (typeof adapterChoices)[number];

export function adapterChoice(): AdapterChoice {
  const v = process.env.LOWRANK_WEBGPU_ADAPTER?.trim();
  if (v === undefined || v === "") return "hardware";
  if (!(adapterChoices as readonly string[]).includes(v)) {
    throw new UsageError(`LOWRANK_WEBGPU_ADAPTER=${v} is not allowed; allowed: ${adapterChoices.join(", ")} (hardware is the default)`);
  }
  return v as AdapterChoice;
}

/** Software Vulkan drivers we know where to find (their ICD manifests). */
const softwareICDs = [
  "/usr/lib/chromium/vk_swiftshader_icd.json", // Debian's chromium
  "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json", // Mesa's lavapipe (mesa-vulkan-drivers)
  "/usr/share/vulkan/icd.d/lvp_icd.aarch64.json",
];

const loaderDirs = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64", "/lib", "/usr/local/lib"];

/** The folders the Vulkan loader reads driver manifests from (Khronos loader docs, "Driver Discovery on Linux"). */
function icdDirs(): string[] {
  const data = (process.env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(":");
  const config = (process.env.XDG_CONFIG_DIRS || "/etc/xdg").split(":");
  return [...config, "/etc", ...data].map((d) => join(d, "vulkan", "icd.d"));
}

function hasLoader(): boolean {
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? "").split(delimiter).filter(Boolean), ...loaderDirs];
  return dirs.some((d) => existsSync(join(d, "libvulkan.so.1")));
}

function hasDriver(): boolean {
  const forced = process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES;
  if (forced) return forced.split(delimiter).some((f) => existsSync(f));
  return icdDirs().some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith(".json"));
    } catch {
      return false;
    }
  });
}

const isSoftware = (info: { architecture?: string; description?: string; device?: string; isFallbackAdapter?: boolean }) =>
  info.isFallbackAdapter === true || /swiftshader|lavapipe|llvmpipe|software/i.test(`${info.architecture} ${info.description} ${info.device}`);

/** Makes `navigator.gpu` available with the adapter the environment allows, or throws a one-line reason. */
export async function installWebGPU(): Promise<AdapterInfo> {
  const choice = adapterChoice();
  if (process.platform === "linux") {
    if (choice === "software" && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
      const icd = softwareICDs.find((f) => existsSync(f));
      if (!icd) throw new Error("no software Vulkan driver found (apt-get install chromium, or mesa-vulkan-drivers for lavapipe)");
      // The loader reads this when Dawn creates its instance, so setting it now is in time.
      process.env.VK_ICD_FILENAMES = icd;
    }
    if (!hasLoader()) throw new Error("no Vulkan loader libvulkan.so.1 on the library path (apt-get install libvulkan1)");
    if (!hasDriver()) {
      const hint = softwareICDs.some((f) => existsSync(f)) ? "; a software driver is here: LOWRANK_BACKEND=webgpu LOWRANK_WEBGPU_ADAPTER=software takes it" : "";
      throw new Error(`no Vulkan driver installed (no GPU driver's ICD manifest in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d)${hint}`);
    }
  }
  const { create, globals } = (await import("webgpu" as string)) as { create(flags: string[]): GPULike; globals: object };
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new Error("Dawn found no WebGPU adapter on the installed Vulkan drivers");
  const raw = adapter.info ?? {};
  const info: AdapterInfo = {
    vendor: raw.vendor ?? "",
    architecture: raw.architecture ?? "",
    device: raw.device ?? "",
    description: raw.description ?? "",
    software: isSoftware({ ...raw, isFallbackAdapter: raw.isFallbackAdapter ?? adapter.isFallbackAdapter }),
  };
  if (info.software && choice !== "software") {
    throw new Error(`only a software adapter (${info.description || info.architecture}), slower than wasm; LOWRANK_BACKEND=webgpu LOWRANK_WEBGPU_ADAPTER=software takes it`);
  }
  // tfjs-backend-webgpu asks navigator.gpu for its adapter; it sees the same drivers.
  const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as Record<string, unknown>;
  Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });
  return info;
}

interface GPULike {
  requestAdapter(options?: { powerPreference?: string }): Promise<{
    info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
    isFallbackAdapter?: boolean;
  } | null>;
}

export function describeAdapter(a: AdapterInfo): string {
  const parts = [a.vendor, a.architecture, a.description || a.device].filter(Boolean);
  return `${parts.join(" · ")}${a.software ? " (software)" : ""}`;
}
