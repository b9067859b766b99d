/**
 * A PEFT LoRA adapter folder: `adapter_config.json` (r, lora_alpha, target modules, optional
 * per-module rank_pattern / alpha_pattern, use_rslora) and `adapter_model.safetensors` with
 * `<module>.lora_A.weight` (r × in) and `<module>.lora_B.weight` (out × r) per adapted module.
 * The update it makes to the module's weight is ΔW = s·B·A, with s = α/r (α/√r with rsLoRA),
 * as PEFT's LoraLayer scales it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../compute/usageError.js";
import { matmul } from "../linalg/index.js";
import type { Matrix } from "../linalg/matrix.js";
import { openCheckpoint, type Checkpoint } from "./checkpoint.js";

export interface AdapterModule {
  /** The module's name in the adapter file, without PEFT's `base_model.model.` prefix. */
  module: string;
  a: string;
  b: string;
  rank: number;
  alpha: number;
  /** s in ΔW = s·B·A. */
  scale: number;
}

export interface Adapter {
  path: string;
  file: Checkpoint;
  modules: AdapterModule[];
  /** ΔW = s·B·A of one module, out × in. */
  delta(m: AdapterModule): Matrix;
}

export function isAdapterFolder(path: string): boolean {
  return existsSync(join(path, "adapter_config.json"));
}

interface AdapterConfig {
  r?: number;
  lora_alpha?: number;
  use_rslora?: boolean;
  rank_pattern?: Record<string, number>;
  alpha_pattern?: Record<string, number>;
  peft_type?: string;
}

/** PEFT matches pattern keys against the end of a module's name. */
function patternValue(pattern: Record<string, number> | undefined, module: string): number | undefined {
  if (!pattern) return undefined;
  const key = Object.keys(pattern).find((k) => module === k || module.endsWith(`.${k}`));
  return key === undefined ? undefined : pattern[key];
}

export function openAdapter(path: string): Adapter {
  const configPath = join(path, "adapter_config.json");
  let config: AdapterConfig;
  try {
    config = JSON.parse(readFileSync(configPath, "utf8"));
  } catch (e) {
    throw new UsageError(`${configPath} is not readable JSON (${(e as Error).message.split("\n")[0]})`);
  }
  if (config.peft_type !== undefined && config.peft_type !== "LORA") throw new UsageError(`${configPath}: peft_type ${config.peft_type} is not supported; allowed: LORA`);
  if (!(Number.isInteger(config.r) && config.r! > 0)) throw new UsageError(`${configPath}: r=${String(config.r)} is missing or not a positive integer`);
  if (!(typeof config.lora_alpha === "number" && config.lora_alpha > 0)) throw new UsageError(`${configPath}: lora_alpha=${String(config.lora_alpha)} is missing or not a positive number`);
  const weights = ["adapter_model.safetensors"].map((f) => join(path, f)).find((f) => existsSync(f));
  if (!weights) throw new UsageError(`${path} has adapter_config.json but no adapter_model.safetensors`);
  const file = openCheckpoint(weights);

  const modules: AdapterModule[] = [];
  for (const name of file.tensors.keys()) {
    const match = /^(?:base_model\.model\.)?(.+)\.lora_A(?:\.[\w-]+)?\.weight$/.exec(name);
    if (!match) continue;
    const module = match[1];
    const b = name.replace(/\.lora_A(\.[\w-]+)?\.weight$/, ".lora_B$1.weight");
    if (!file.tensors.has(b)) throw new UsageError(`${weights}: '${name}' has no matching '${b}'`);
    const [rank, inDim] = file.tensors.get(name)!.shape;
    const [outDim, rankB] = file.tensors.get(b)!.shape;
    if (rankB !== rank) throw new UsageError(`${weights}: '${name}' has rank ${rank} but '${b}' has ${rankB} columns`);
    if (inDim === undefined || outDim === undefined) throw new UsageError(`${weights}: '${name}' or '${b}' is not 2-D`);
    const r = patternValue(config.rank_pattern, module) ?? config.r!;
    const alpha = patternValue(config.alpha_pattern, module) ?? config.lora_alpha!;
    const scale = config.use_rslora ? alpha / Math.sqrt(r) : alpha / r;
    modules.push({ module, a: name, b, rank, alpha, scale });
  }
  if (modules.length === 0) throw new UsageError(`${weights} holds no '<module>.lora_A.weight' tensors; is it a LoRA adapter?`);
  return {
    path,
    file,
    modules,
    delta(m) {
      const A = file.read(m.a);
      const B = file.read(m.b);
      const D = matmul(B, A);
      for (let i = 0; i < D.data.length; i++) D.data[i] *= m.scale;
      return D;
    },
  };
}
