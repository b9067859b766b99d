/**
 * A checkpoint as a set of named weight matrices: one `.safetensors` file, or a folder of them
 * (a sharded model: `model-00001-of-00002.safetensors`, ...). Only headers are read on open;
 * `read(name)` reads one matrix when it is needed.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../compute/usageError.js";
import type { Matrix } from "../linalg/matrix.js";
import { openSafetensors, readMatrix, type SafetensorsFile, type TensorEntry } from "./safetensors.js";

export interface Checkpoint {
  path: string;
  /** Every tensor, by name. */
  tensors: Map<string, TensorEntry>;
  /** The 2-D tensors (weight matrices), in file order. */
  matrices(): string[];
  read(name: string): Matrix;
}

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    throw new UsageError(`${path} does not exist; give a .safetensors file or a folder of them`);
  }
}

/** Opens a file or a folder of shards; names must not repeat across shards. */
export function openCheckpoint(path: string): Checkpoint {
  const files: SafetensorsFile[] = [];
  if (isFolder(path)) {
    const shards = readdirSync(path).filter((f) => f.endsWith(".safetensors")).sort();
    if (shards.length === 0) throw new UsageError(`${path} holds no .safetensors file`);
    for (const f of shards) files.push(openSafetensors(join(path, f)));
  } else {
    files.push(openSafetensors(path));
  }
  const owner = new Map<string, SafetensorsFile>();
  const tensors = new Map<string, TensorEntry>();
  for (const file of files) {
    for (const [name, entry] of file.tensors) {
      if (owner.has(name)) throw new UsageError(`${path}: tensor '${name}' is in both ${owner.get(name)!.path} and ${file.path}`);
      owner.set(name, file);
      tensors.set(name, entry);
    }
  }
  return {
    path,
    tensors,
    matrices: () => [...tensors.values()].filter((t) => t.shape.length === 2).map((t) => t.name),
    read: (name) => {
      const file = owner.get(name);
      if (!file) throw new UsageError(`${path} has no tensor '${name}'`);
      return readMatrix(file, name);
    },
  };
}
