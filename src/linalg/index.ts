/**
 * Float64 linear algebra for claims that live near machine precision (tfjs is float32 only and
 * has no SVD or eigendecomposition). Every function accepts a Matrix, an array of rows or a 2-D
 * tensor, and returns row-major `Matrix` objects.
 */

// The matrix type and conversions
export { matrix, toMatrix, toArrays } from "./matrix.js";
export type { Matrix, MatrixLike } from "./matrix.js";

// Building blocks
export { matmul, matmulAtB, matmulABt } from "./matmul.js";
export { transpose } from "./transpose.js";
export { identity } from "./identity.js";
export { add, sub, scale } from "./elementwise.js";
export { frobeniusNorm } from "./frobeniusNorm.js";
export { randomMatrix } from "./randomMatrix.js";
export { randomOrthonormal } from "./randomOrthonormal.js";

// Factorisations
export { qr } from "./qr.js";
export type { QR } from "./qr.js";
export { svd } from "./svd.js";
export type { SVD } from "./svd.js";
export { eigh } from "./eigh.js";
export type { Eigh } from "./eigh.js";
export { randomizedSvd } from "./randomizedSvd.js";
export type { RandomizedSvdOptions } from "./randomizedSvd.js";

// Checking results
export { fromSvd } from "./fromSvd.js";
export { orthogonalityError } from "./orthogonalityError.js";

// Subspaces and rank
export { principalAngles } from "./principalAngles.js";
export { numericalRank, stableRank, effectiveRank } from "./rank.js";
export type { SpectrumOrMatrix } from "./rank.js";
