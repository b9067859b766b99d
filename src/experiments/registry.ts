/**
 * The experiments this package ships, by CLI name. Each family lives in its own folder and
 * registers here; nothing else needs to change to add one.
 */
import { UsageError } from "../compute/usageError.js";
import type { Experiment } from "./types.js";
import { matrixSensing } from "./matrix-sensing/index.js";
import { loraSpectra } from "./lora-spectra/index.js";
import { intrinsicDimension } from "./intrinsic-dimension/index.js";
import { doubleDescent } from "./double-descent/index.js";
import { attentionRank } from "./attention-rank/index.js";
import { robustRecovery } from "./robust-recovery/index.js";
import { matrixCompletion } from "./matrix-completion/index.js";

export const experiments: readonly Experiment[] = [matrixSensing, loraSpectra, intrinsicDimension, doubleDescent, attentionRank, robustRecovery, matrixCompletion];

export function getExperiment(name: string): Experiment {
  const found = experiments.find((e) => e.name === name);
  if (!found) throw new UsageError(`unknown experiment '${name}'; available: ${experiments.map((e) => e.name).join(", ")}`);
  return found;
}

export function getPreset(experiment: Experiment, preset: string): Record<string, unknown> {
  const found = experiment.presets[preset];
  if (!found) {
    throw new UsageError(`unknown preset '${preset}' for ${experiment.name}; available: ${Object.keys(experiment.presets).join(", ")}`);
  }
  return found as Record<string, unknown>;
}
