import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { UsageError } from "../compute/usageError.js";
import { matmul, matmulABt, matmulAtB, randomMatrix, transpose, type Matrix } from "./index.js";
import { _setWasmEnabled } from "./wasm/kernels.js";

function naive(A: Matrix, B: Matrix): Float64Array {
  const C = new Float64Array(A.rows * B.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < B.cols; j++) {
    let s = 0;
    for (let p = 0; p < A.cols; p++) s += A.data[i * A.cols + p] * B.data[p * B.cols + j];
    C[i * B.cols + j] = s;
  }
  return C;
}

function maxDiff(x: Float64Array, y: Float64Array): number {
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

// Shapes that exercise every remainder of the 4×4 JavaScript blocks and the 2×8 WebAssembly
// tiles, products below and above the WebAssembly threshold, and more than one packed panel.
const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [37, 53, 29], [1, 100, 64], [100, 1, 64], [65, 129, 300], [130, 1030, 17]];

describe("matmul", () => {
  for (const wasm of [true, false]) {
    it(`matches the textbook triple loop on odd shapes (${wasm ? "WebAssembly" : "JavaScript"} kernel)`, () => {
      _setWasmEnabled(wasm);
      try {
        const r = rng(1);
        for (const [m, k, n] of shapes) {
          const A = randomMatrix(m, k, r), B = randomMatrix(k, n, r);
          const C = matmul(A, B);
          expect([C.rows, C.cols]).toEqual([m, n]);
          expect(maxDiff(C.data, naive(A, B))).toBeLessThan(1e-12 * k);
        }
      } finally {
        _setWasmEnabled(true);
      }
    });
  }

  it("computes AᵀB and ABᵀ without the caller transposing", () => {
    const r = rng(2);
    const A = randomMatrix(70, 40, r), B = randomMatrix(70, 30, r), C = randomMatrix(50, 40, r);
    expect(maxDiff(matmulAtB(A, B).data, naive(transpose(A), B))).toBeLessThan(1e-12);
    expect(maxDiff(matmulABt(A, C).data, naive(A, transpose(C)))).toBeLessThan(1e-12);
  });

  it("accepts nested arrays", () => {
    expect(Array.from(matmul([[1, 2], [3, 4]], [[5], [6]]).data)).toEqual([17, 39]);
  });

  it("names both shapes when they do not fit", () => {
    expect(() => matmul(randomMatrix(2, 3, rng(3)), randomMatrix(4, 2, rng(3)))).toThrow(UsageError);
    expect(() => matmul([[1, 2, 3]], [[1, 2, 3]])).toThrow("A is [1, 3] but B is [1, 3]");
    expect(() => matmulAtB([[1]], [[1], [2]])).toThrow(UsageError);
    expect(() => matmulABt([[1]], [[1, 2]])).toThrow(UsageError);
  });
});
