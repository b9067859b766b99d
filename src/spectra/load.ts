/** `lab.spectra.load(path)`: a PEFT adapter folder, or a checkpoint (a safetensors file or a folder of shards). */
import { openCheckpoint, isFolder, type Checkpoint } from "./checkpoint.js";
import { isAdapterFolder, openAdapter, type Adapter } from "./peft.js";

export function load(path: string): { kind: "adapter"; adapter: Adapter } | { kind: "checkpoint"; checkpoint: Checkpoint } {
  if (isFolder(path) && isAdapterFolder(path)) return { kind: "adapter", adapter: openAdapter(path) };
  return { kind: "checkpoint", checkpoint: openCheckpoint(path) };
}
