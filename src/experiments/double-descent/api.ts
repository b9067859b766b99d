/**
 * What a notebook can use from this experiment on its own, as `lab.doubleDescent`:
 * the minimum-norm least-squares solve, the closed-form risk of Hastie et al., and the
 * row-appended QR behind the sweeps (for nested sweeps of your own).
 */
export { minNormSolve } from "./minNorm.js";
export { hmrtRisk } from "./theory.js";
export { sequentialQR, appendRows, solveR, solveRt, carried } from "./sequentialQR.js";
export type { SequentialQR } from "./sequentialQR.js";
