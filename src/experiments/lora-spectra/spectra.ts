/**
 * The public spectral-comparison helpers, exported from the package as `lab.spectra`:
 * `lab.spectra.compare(W0, W, { k: 10, epsilon: 0.5 })` on any pair of weight matrices.
 */
export { compare, compareLayers, intruderCount, scaleIntruders } from "./compare.js";
export type { CompareOptions, LayerComparison, SpectralComparison } from "./compare.js";
