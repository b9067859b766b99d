import { describe, expect, it } from "vitest";
import { rng } from "../compute/rng.js";
import { _bidiagonalize } from "./bidiagonalize.js";
import { randomMatrix } from "./randomMatrix.js";
import { _setWasmEnabled } from "./wasm/kernels.js";

/** d and e of A's bidiagonalisation, with WebAssembly kernels or without. */
function bidiagonal(m: number, n: number, seed: number, wasm: boolean) {
  const A = randomMatrix(m, n, rng(seed));
  _setWasmEnabled(wasm);
  try {
    const B = _bidiagonalize(new Float64Array(A.data), m, n);
    return { d: B.d, e: B.e, norm: Math.sqrt(A.data.reduce((s, x) => s + x * x, 0)) };
  } finally {
    _setWasmEnabled(true);
  }
}

describe("_bidiagonalize", () => {
  // The WebAssembly path fuses each step's Au with the next step's Aᵀv (_wasmAuAtv) and runs its
  // row groups and odd last columns in the kernel, the JavaScript path does neither: the two must
  // agree to rounding. Sizes with every remainder of rows mod 4 and of columns mod 2 on the way.
  it.each([
    [203, 77],
    [130, 130],
    [301, 150],
  ])("gives the same bidiagonal through WebAssembly as in JavaScript (%i × %i)", (m, n) => {
    const js = bidiagonal(m, n, m + n, false);
    const wasm = bidiagonal(m, n, m + n, true);
    // Householder signs are fixed by the data, so the entries agree, not just their magnitudes.
    for (let i = 0; i < n; i++) expect(Math.abs(wasm.d[i] - js.d[i])).toBeLessThan(1e-12 * js.norm);
    for (let i = 0; i < n - 1; i++) expect(Math.abs(wasm.e[i] - js.e[i])).toBeLessThan(1e-12 * js.norm);
  });
});
