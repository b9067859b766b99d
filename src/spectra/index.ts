/**
 * Spectral analysis of weights, exported as `lab.spectra`: `compare(W0, W)` on any pair of
 * matrices, and on real checkpoints: `load(path)` (a safetensors file, a folder of shards, or a
 * PEFT LoRA adapter folder) and `compareCheckpoints(base, tunedOrAdapter, {layers, k, epsilon})`.
 */
export { compare, compareLayers, intruderCount, scaleIntruders } from "./compare.js";
export type { CompareOptions, LayerComparison, SpectralComparison } from "./compare.js";
export { openCheckpoint } from "./checkpoint.js";
export type { Checkpoint } from "./checkpoint.js";
export { openAdapter, isAdapterFolder } from "./peft.js";
export type { Adapter, AdapterModule } from "./peft.js";
export { openSafetensors, readMatrix, decode } from "./safetensors.js";
export type { SafetensorsFile, TensorEntry } from "./safetensors.js";
export { f16ToNumber, bf16ToNumber } from "./halfFloat.js";
export { compareCheckpoints } from "./compareCheckpoints.js";
export type { CheckpointCompareOptions, CheckpointComparison, LayerIntruders } from "./compareCheckpoints.js";
export { checkpointFigures } from "./figures.js";
export { load } from "./load.js";
