import { afterAll, describe, expect, it, vi } from "vitest";
import { rng } from "../../compute/rng.js";
import { _setThreads } from "../../linalg/wasm/kernels.js";
import { sensingOperator } from "./operator.js";

/** ⟨A_i, X_v⟩ and Σ_i R_vi A_i by plain loops, the reference both kernel paths must match. */
function reference(A: Float64Array, m: number, n2: number, X: Float64Array, R: Float64Array, V: number) {
  const AX = new Float64Array(V * m), AtR = new Float64Array(V * n2);
  for (let v = 0; v < V; v++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n2; j++) {
        AX[v * m + i] += A[i * n2 + j] * X[v * n2 + j];
        AtR[v * n2 + j] += R[v * m + i] * A[i * n2 + j];
      }
    }
  }
  return { AX, AtR };
}

describe("the resident sensing operator", () => {
  // Sizes that are not multiples of the 3×3 block or of the 4-double row step exercise the padding.
  for (const [n, m, V] of [[3, 7, 1], [5, 13, 4], [6, 20, 9], [7, 11, 2]]) {
    for (const useWasm of [true, false]) {
      it(`applies A and Aᵀ like plain loops for n=${n}, m=${m}, V=${V} (${useWasm ? "WebAssembly SIMD" : "JavaScript"})`, () => {
        const g = rng(n * 100 + m), n2 = n * n;
        const A = g.normals(m * n2), X = g.normals(V * n2), R = g.normals(V * m);
        const { AX, AtR } = reference(A, m, n2, X, R, V);
        const op = sensingOperator(A, m, n2, V, useWasm);
        if (useWasm) expect(op.kind).toBe("wasm-simd"); // Node 20 has WebAssembly SIMD
        for (let v = 0; v < V; v++) op.X.set(X.subarray(v * n2, (v + 1) * n2), v * op.ld);
        op.forward();
        for (let v = 0; v < V; v++) for (let i = 0; i < m; i++) expect(op.R[v * op.mp + i]).toBeCloseTo(AX[v * m + i], 12);
        op.R.fill(0);
        for (let v = 0; v < V; v++) op.R.set(R.subarray(v * m, (v + 1) * m), v * op.mp);
        op.adjoint();
        op.adjoint(); // S is overwritten, not accumulated, by a second call
        for (let v = 0; v < V; v++) for (let j = 0; j < n2; j++) expect(op.S[v * op.ld + j]).toBeCloseTo(AtR[v * n2 + j], 12);
      });
    }
  }
});

describe("the sensing operator on worker threads", () => {
  afterAll(() => _setThreads(1));

  // Large enough to be split (m·V·n² ≥ 2^20). Forward shares are blocks of rows of A, adjoint
  // shares blocks of columns, so each entry is summed in the same order: equal bits, not merely close.
  it("gives bit-identical A(X) and Aᵀ(R) with 1 and 2 threads", async () => {
    const n2 = 900, m = 401, V = 9, g = rng(5);
    const A = g.normals(m * n2), X = g.normals(V * n2), R = g.normals(V * m);
    const apply = (op: ReturnType<typeof sensingOperator>) => {
      for (let v = 0; v < V; v++) op.X.set(X.subarray(v * n2, (v + 1) * n2), v * op.ld);
      op.forward();
      const AX = Float64Array.from(op.R);
      for (let v = 0; v < V; v++) op.R.set(R.subarray(v * m, (v + 1) * m), v * op.mp);
      op.adjoint();
      return { AX, AtR: Float64Array.from(op.S) };
    };
    _setThreads(1);
    const single = sensingOperator(A, m, n2, V);
    expect(single.threads).toBe(1);
    const one = apply(single);
    _setThreads(2);
    const two = sensingOperator(A, m, n2, V);
    expect(two.threads).toBe(2);
    await vi.waitFor(() => expect(two.workersReady()).toBe(1), { timeout: 20_000 });
    const both = apply(two);
    two.dispose();
    expect(Buffer.compare(Buffer.from(one.AX.buffer), Buffer.from(both.AX.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(one.AtR.buffer), Buffer.from(both.AtR.buffer))).toBe(0);
  });
});
