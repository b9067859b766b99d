/** Parameter sweeps: grids over an experiment's params, cached point by point, as one arquero table. */
export { sweep, sweepRecords, defaultCacheDir } from "./sweep.js";
export type { SweepOptions, SweepPoint } from "./sweep.js";
export type { SlurmSweepOptions, SlurmSweepSummary } from "./slurm/sweep.js";
export { expandGrid } from "./grid.js";
export type { Grid, GridPoint } from "./grid.js";
export { pointHash, pointPath, readPoint, writePoint, canonicalJSON } from "../run/cache.js";
export type { PointKey, CachedPoint } from "../run/cache.js";
export { tableToJSON, tableFromJSON } from "../run/tableJSON.js";
