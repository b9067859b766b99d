/** Running experiments: one plan resolved at the edge, run (or read from the cache) into a RunRecord. */
export { checkSeed, describeOverrides, planJSON, resolvePlan } from "./plan.js";
export type { Plan, PlanOptions } from "./plan.js";
export { compute, defaultCacheDir, recordFromCache, recordOf, runExperiment, runPlan } from "./runner.js";
export type { ExecuteOptions, RunOptions } from "./runner.js";
export { canonicalJSON, planKey, pointHash, pointPath, readPoint, writePoint } from "./cache.js";
export type { CachedPoint, PointKey } from "./cache.js";
export { tableFromJSON, tableToJSON } from "./tableJSON.js";
