/**
 * A sweep grid: {param: [values...]} expands to the cartesian product of its values, the
 * first key varying slowest (as nested for-loops written in the grid's order). The key
 * `seed` sweeps seeds rather than a parameter, for repeats and error bars.
 */
import { UsageError } from "../compute/usageError.js";

export type Grid = Record<string, readonly unknown[]>;

/** One point: a value for each swept key. */
export type GridPoint = Record<string, unknown>;

export function checkGrid(grid: unknown): Grid {
  if (!grid || typeof grid !== "object" || Array.isArray(grid)) {
    throw new UsageError(`sweep: grid must be an object {param: [values...]}; got ${Array.isArray(grid) ? "an array" : String(grid)}`);
  }
  for (const [name, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new UsageError(`sweep: grid.${name} must be a non-empty array of values; got ${JSON.stringify(values)}`);
    }
  }
  return grid as Grid;
}

/** All points of the grid, in order; an empty grid is the one point {}. */
export function expandGrid(grid: Grid): GridPoint[] {
  let points: GridPoint[] = [{}];
  for (const [name, values] of Object.entries(checkGrid(grid))) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  return points;
}
