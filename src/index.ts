/**
 * lowrank-lab's public API: what a notebook gets as `lab` (`import * as lab from "lowrank-lab"`).
 * Listed by name, grouped by layer; advanced exports sit in their own commented blocks.
 */

// Running experiments
export { runExperiment as run, resolveRun } from "./experiments/runner.js";
export type { RunOptions, RunRecord } from "./experiments/runner.js";
export { experiments, getExperiment } from "./experiments/registry.js";
export type { Experiment, Claim, PaperRef, Result, RunContext, ProgressFn } from "./experiments/types.js";

// Compute: backend, seeded randomness, tensor hygiene
export { device, initBackend, tf, rng, liveTensors, UsageError } from "./compute/index.js";
export type { BackendName, DeviceInfo, Rng } from "./compute/index.js";
export { packageVersion as version } from "./compute/packageInfo.js";

// Linear algebra in Float64 (tfjs has no SVD): lab.linalg.svd(A) etc.
export * as linalg from "./linalg/index.js";

// Figures: Observable Plot specs rendered to SVG, HTML and PNG
export { figure } from "./plot/figure.js";
export type { Figure, FigureSpec } from "./plot/figure.js";
export { figureToSVG, figureToHTML, figureToPNG } from "./plot/render.js";
export { claimsToHTML, claimsToText } from "./plot/claims.js";
export { jupyterDisplay, isDisplayable } from "./plot/display.js";
export type { Displayable, MimeBundle } from "./plot/display.js";

// Advanced: parameter schemas, for building experiments of your own
export { resolveParams, describeParams } from "./experiments/schema.js";
export type { Schema, ParamSpec } from "./experiments/schema.js";
