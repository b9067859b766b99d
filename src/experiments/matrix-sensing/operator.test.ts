import { afterAll, describe, expect, it, vi } from "vitest";
import { rng } from "../../compute/rng.js";
import { _setThreads } from "../../linalg/wasm/kernels.js";
import { gdStep, initFactors, product, type Family } from "./model.js";
import { sensingOperator } from "./operator.js";

/** R_v = (⟨A_i, X_v⟩ − y_i)/m and S_v = Σ_i R_vi A_i by plain loops, the reference both kernel paths must match. */
function reference(A: Float64Array, m: number, n2: number, X: Float64Array, y: Float64Array, V: number) {
  const R = new Float64Array(V * m), S = new Float64Array(V * n2);
  for (let v = 0; v < V; v++) {
    for (let i = 0; i < m; i++) {
      let d = 0;
      for (let j = 0; j < n2; j++) d += A[i * n2 + j] * X[v * n2 + j];
      R[v * m + i] = (d - y[i]) / m;
      for (let j = 0; j < n2; j++) S[v * n2 + j] += R[v * m + i] * A[i * n2 + j];
    }
  }
  return { R, S };
}

/** An operator over A with X_v and y filled in, as run.ts fills them. */
function operatorWith(A: Float64Array, m: number, n2: number, X: Float64Array, y: Float64Array, V: number, useWasm = true) {
  const op = sensingOperator(A, m, n2, V, { useWasm });
  for (let v = 0; v < V; v++) op.X.set(X.subarray(v * n2, (v + 1) * n2), v * op.ld);
  op.Y.set(y);
  return op;
}

describe("the resident sensing operator", () => {
  // Sizes that are not multiples of the 3×3 block, of the row groups or of the 4-double row step exercise the padding.
  for (const [n, m, V] of [[3, 7, 1], [5, 13, 4], [6, 20, 9], [7, 11, 2]]) {
    for (const useWasm of [true, false]) {
      it(`gives the gradient (A(X) − y)/m and Aᵀ(R) like plain loops for n=${n}, m=${m}, V=${V} (${useWasm ? "WebAssembly SIMD" : "JavaScript"})`, () => {
        const g = rng(n * 100 + m), n2 = n * n;
        const A = g.normals(m * n2), X = g.normals(V * n2), y = g.normals(m);
        const want = reference(A, m, n2, X, y, V);
        const op = operatorWith(A, m, n2, X, y, V, useWasm);
        if (useWasm) expect(op.kind).toBe("wasm-simd"); // Node 20 has WebAssembly SIMD
        op.gradient();
        op.gradient(); // S is overwritten, not accumulated, by a second call
        for (let v = 0; v < V; v++) for (let i = 0; i < m; i++) expect(op.R[v * op.mp + i]).toBeCloseTo(want.R[v * m + i], 12);
        for (let v = 0; v < V; v++) for (let j = 0; j < n2; j++) expect(op.S[v * op.ld + j]).toBeCloseTo(want.S[v * n2 + j], 12);
      });
    }
  }

  // The WebAssembly factor updates promise the bits of model.ts's JavaScript: same sums, same order.
  for (const [n, k] of [[5, 3], [6, 4], [7, 2], [50, 5]]) {
    for (const family of ["symmetric", "asymmetric"] as Family[]) {
      it(`updates ${family} factors bit for bit as model.ts does (n=${n}, k=${k})`, () => {
        const g = rng(n * 10 + k), n2 = n * n, V = 2, m = 4;
        const op = sensingOperator(g.normals(m * n2), m, n2, V, { kMax: k + 1 });
        expect(op.kind).toBe("wasm-simd");
        const base = g.normals(2 * n * k);
        const ours = initFactors(family, n, k, 0.3, base), theirs = initFactors(family, n, k, 0.3, base);
        op.adopt(ours, 1);
        const S = g.normals(n2), X = new Float64Array(n2), scratch = new Float64Array(4 * n * k);
        op.S.set(S, op.ld);
        for (let step = 0; step < 3; step++) {
          op.gdStep(ours, 1, 0.05);
          gdStep(theirs, S, 0, 0.05, scratch);
        }
        op.product(ours, 1);
        product(theirs, X, 0, scratch);
        const same = (a: Float64Array, b: Float64Array) => expect(Buffer.compare(Buffer.from(a.slice().buffer), Buffer.from(b.slice().buffer))).toBe(0);
        same(ours.F, theirs.F);
        same(ours.G, theirs.G);
        same(op.X.subarray(op.ld, op.ld + n2), X);
        if (family === "symmetric") expect(ours.G).toBe(ours.F);
      });
    }
  }

  it("refuses a model wider than its factor slots", () => {
    const op = sensingOperator(new Float64Array(4 * 9), 4, 9, 1, { kMax: 2 });
    expect(() => op.adopt(initFactors("asymmetric", 3, 3, 0.1, new Float64Array(18)), 0)).toThrow(/k ≤ 2/);
  });
});

describe("the sensing operator on worker threads", () => {
  afterAll(() => _setThreads(1));

  // Large enough to be split (m·V·n² ≥ 2^20). Threads take whole groups of rows and the groups'
  // partial sums are added in one fixed order, so the bits do not depend on the thread count.
  it("gives bit-identical gradients with 1 and 2 threads", async () => {
    const n2 = 900, m = 401, V = 9, g = rng(5);
    const A = g.normals(m * n2), X = g.normals(V * n2), y = g.normals(m);
    const apply = (op: ReturnType<typeof sensingOperator>) => {
      op.gradient();
      return { R: Float64Array.from(op.R), S: Float64Array.from(op.S) };
    };
    _setThreads(1);
    const single = operatorWith(A, m, n2, X, y, V);
    expect(single.threads).toBe(1);
    const one = apply(single);
    _setThreads(2);
    const two = operatorWith(A, m, n2, X, y, V);
    expect(two.threads).toBe(2);
    await vi.waitFor(() => expect(two.workersReady()).toBe(1), { timeout: 20_000 });
    const both = apply(two);
    two.dispose();
    expect(Buffer.compare(Buffer.from(one.R.buffer), Buffer.from(both.R.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(one.S.buffer), Buffer.from(both.S.buffer))).toBe(0);
    const want = reference(A, m, n2, X, y, V);
    for (let j = 0; j < n2; j++) expect(both.S[j]).toBeCloseTo(want.S[j], 10);
  });

  // `advance` shares the variants between the threads; each variant's step and product are the
  // same calls as one by one, so the factors and X come out with model.ts's bits either way.
  for (const threads of [1, 2]) {
    it(`advances every variant as model.ts's gdStep then product would (${threads} thread${threads > 1 ? "s" : ""})`, async () => {
      const n = 30, n2 = n * n, m = 401, V = 9, g = rng(9);
      const ks = [3, 5, 3, 5, 5, 4, 5, 2, 5];
      const families: Family[] = ["symmetric", "symmetric", "asymmetric", "asymmetric", "asymmetric", "asymmetric", "one-step", "one-step", "one-step"];
      _setThreads(threads);
      const op = sensingOperator(g.normals(m * n2), m, n2, V, { kMax: 5 });
      expect(op.threads).toBe(threads);
      if (threads > 1) await vi.waitFor(() => expect(op.workersReady()).toBe(1), { timeout: 20_000 });
      const bases = ks.map((k) => g.normals(2 * n * k));
      const ours = ks.map((k, v) => initFactors(families[v], n, k, 0.3, bases[v]));
      const theirs = ks.map((k, v) => initFactors(families[v], n, k, 0.3, bases[v]));
      ours.forEach((f, v) => op.adopt(f, v));
      const S = g.normals(V * n2);
      for (let v = 0; v < V; v++) op.S.set(S.subarray(v * n2, (v + 1) * n2), v * op.ld);
      const X = new Float64Array(n2), scratch = new Float64Array(4 * n * 5);
      for (let step = 0; step < 2; step++) op.advance(ours, 0.05);
      op.dispose();
      const same = (a: Float64Array, b: Float64Array) => Buffer.compare(Buffer.from(a.slice().buffer), Buffer.from(b.slice().buffer)) === 0;
      for (let v = 0; v < V; v++) {
        for (let step = 0; step < 2; step++) gdStep(theirs[v], S, v * n2, 0.05, scratch);
        product(theirs[v], X, 0, scratch);
        expect(same(ours[v].F, theirs[v].F), `F of variant ${v}`).toBe(true);
        expect(same(ours[v].G, theirs[v].G), `G of variant ${v}`).toBe(true);
        expect(same(op.X.subarray(v * op.ld, v * op.ld + n2), X), `X of variant ${v}`).toBe(true);
      }
    });
  }
});
