/** Shared training machinery for the networks of the experiments (tfjs) and typed-array parameters. */
export { trainLoop } from "./loop.js";
export type { LossPoint, ParamGroup, TrainLoopOptions } from "./loop.js";
export { constant, cosine, warmupLinearDecay } from "./schedules.js";
export type { Schedule } from "./schedules.js";
export { epochs, gatherRows, withReplacement } from "./batches.js";
export type { BatchSampler } from "./batches.js";
export { adam } from "./adam.js";
export type { AdamOptions, AdamState } from "./adam.js";
export { loraAdapter, variableOf } from "./lora.js";
export type { LoraAdapter, LoraOptions } from "./lora.js";
