/**
 * lowrank-lab's public API: what a notebook gets as `lab` (`import * as lab from "lowrank-lab"`).
 * Listed by name, grouped by layer; advanced exports sit in their own commented blocks.
 */

// Running experiments
// lab.run(name, {preset, params, seed, cache}) → a RunRecord that shows its figures and claims;
// record.figure(id), record.claims; resolvePlan checks a run's inputs without running it
export { runExperiment as run, runPlan, resolvePlan, describeOverrides } from "./run/index.js";
export type { RunOptions, Plan, PlanOptions } from "./run/index.js";
export type { RunRecord } from "./report/index.js";
export { experiments, getExperiment } from "./experiments/registry.js";
export type { Experiment, Claim, Constraint, PaperRef, Result, Tables, RunContext, ProgressFn } from "./experiments/types.js";

// Compute: backend, seeded randomness, tensor hygiene
export { device, initBackend, tf, rng, liveTensors, UsageError } from "./compute/index.js";
export type { BackendName, DeviceInfo, Rng } from "./compute/index.js";
export { packageVersion as version } from "./compute/packageInfo.js";

// Linear algebra in Float64 (tfjs has no SVD): lab.linalg.svd(A) etc.
export * as linalg from "./linalg/index.js";

// Spectral comparison of pretrained and fine-tuned weights (intruder dimensions, Shuttleworth et al.
// arXiv:2410.21228): lab.spectra.compare(W0, W, { k: 10, epsilon: 0.5 }), compareLayers, scaleIntruders,
// and on real checkpoints: lab.spectra.load(path), lab.spectra.compareCheckpoints(base, tunedOrAdapter)
export * as spectra from "./spectra/index.js";
export type { CompareOptions, LayerComparison, SpectralComparison, CheckpointComparison, LayerIntruders } from "./spectra/index.js";

// Softmax, linear (φ = ELU + 1) and rank-augmented linear attention (RALA, Fan et al. arXiv:2411.07635)
// on one head in Float64, with rank measures: lab.attention.attend("rala", X, weights).out,
// lab.attention.rankProfile(M) → { spectrum, numericalRank, effectiveRank, tol }
export * as attention from "./experiments/attention-rank/attention.js";
export type { AttentionKind, AttentionResult, HeadWeights, RankProfile } from "./experiments/attention-rank/attention.js";

// Minimum-norm least squares through Householder QR in Float64 (no normal equations) and the
// closed-form ridgeless risk of Hastie et al. (arXiv:1903.08560, Thm 1):
// lab.doubleDescent.minNormSolve(A, Y, ridge?), lab.doubleDescent.hmrtRisk(gamma, sigma2, r2?),
// and the row-appended QR (sequentialQR, appendRows, solveR, solveRt) behind nested sweeps
export * as doubleDescent from "./experiments/double-descent/api.js";
export type { SequentialQR } from "./experiments/double-descent/api.js";

// Figures: Observable Plot specs rendered to SVG, HTML and PNG
export { figure } from "./plot/figure.js";
export type { Figure, FigureSpec } from "./plot/figure.js";
export { figureToSVG, figureToHTML, figureToPNG } from "./plot/render.js";
export { claimsToHTML, claimsToText, claimsSummary, countClaims, reportHTML } from "./report/index.js";
export { jupyterDisplay, isDisplayable } from "./plot/display.js";
export type { Displayable, MimeBundle } from "./plot/display.js";

// Notebook widgets (ipywidgets 8 controls served by the lowrank-lab kernel), progress bars, sweeps
export { slider, dropdown, checkbox, button, output, hbox, vbox, interact, fixed, progress, progressFn, explore, exploreFigures } from "./widgets/index.js";
export type { SliderOptions, DropdownOptions, CheckboxOptions, ButtonOptions, OutputOptions, BoxOptions, LayoutOptions, StyleOptions } from "./widgets/index.js";
export type { ControlSpec, InteractOptions, ProgressOptions, ExploreOptions, Change } from "./widgets/index.js";
export { sweep, sweepRecords } from "./sweep/index.js";
export type { SweepOptions, SweepPoint, Grid, SlurmSweepOptions, SlurmSweepSummary } from "./sweep/index.js";
// arquero's table type, re-exported so a notebook cell can hold what `sweep` returns (tslab
// emits declarations per cell, and needs a name for every inferred type).
export type { ColumnTable } from "arquero";

// Advanced: widget classes, to subclass or check with instanceof, and the sweep cache
export { Widget, DOMWidget, ValueWidget, Slider, Dropdown, Checkbox, Button, Output, Box, Interactive, ProgressBar, Explore } from "./widgets/index.js";
export { expandGrid, readPoint, pointPath } from "./sweep/index.js";
export { planKey } from "./run/index.js";

// Advanced: parameter schemas, for building experiments of your own
export { resolveParams, describeParams } from "./experiments/schema.js";
export type { Schema, ParamSpec } from "./experiments/schema.js";
