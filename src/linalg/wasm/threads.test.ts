import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { rng } from "../../compute/rng.js";
import { _gemm } from "../gemm.js";
import { randomMatrix, svd } from "../index.js";
import { _heapAlloc, _heapRelease, _heapView, _kernels, _setThreads } from "./kernels.js";
import { _atvHalves, _av, _poolStats } from "./pool.js";

// The product kernel splits C into whole row blocks or column strips, and every entry of C is
// computed by the same instructions in the same order whichever thread computes it, so results
// must be bit-identical for any thread count (not merely close).

const sameBits = (a: Float64Array, b: Float64Array) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

/** Runs f with `threads` threads, after the kernels' memory has been made shared (or not). */
async function withThreads<T>(threads: number, f: () => T): Promise<T> {
  _setThreads(threads);
  _kernels(); // nothing is allocated, so this re-instantiates on a shared or unshared memory
  if (threads > 1) {
    const A = new Float64Array(256 * 256).fill(1);
    _gemm(256, 256, 256, 1, A, 0, 256, 1, A, 0, 256, new Float64Array(256 * 256), 0, 256); // starts the workers
    await vi.waitFor(() => expect(_poolStats().ready).toBe(threads - 1), { timeout: 20_000 });
  }
  return f();
}

/** C = beta-free C0 + alpha·op(A)·B through _gemm; A read transposed when `transA`. */
function product(m: number, n: number, k: number, seed: number, transA: boolean, alpha: number): Float64Array {
  const r = rng(seed);
  const A = randomMatrix(transA ? k : m, transA ? m : k, r).data;
  const B = randomMatrix(k, n, r).data;
  const C = randomMatrix(m, n, r).data;
  if (transA) _gemm(m, n, k, alpha, A, 0, 1, m, B, 0, n, C, 0, n);
  else _gemm(m, n, k, alpha, A, 0, k, 1, B, 0, n, C, 0, n);
  return C;
}

// rows split (m ≥ n), column strips (m < n), odd sizes, a transposed A, alpha ≠ 1
const shapes: [number, number, number, boolean, number][] = [
  [301, 257, 129, false, 1],
  [257, 301, 513, true, -0.5],
  [33, 1025, 517, false, 1],
  [1023, 9, 300, true, 2],
  [512, 512, 512, false, 1],
];

describe("the product kernel on worker threads", () => {
  afterAll(() => {
    _setThreads(1);
    _kernels();
  });

  it("gives bit-identical products with 1 and 2 threads", async () => {
    const one = await withThreads(1, () => shapes.map(([m, n, k, t, a], i) => product(m, n, k, 10 + i, t, a)));
    const before = _poolStats().shared;
    const two = await withThreads(2, () => shapes.map(([m, n, k, t, a], i) => product(m, n, k, 10 + i, t, a)));
    expect(_poolStats().shared - before).toBeGreaterThan(shapes.length); // the workers did take shares
    for (let i = 0; i < shapes.length; i++) expect(sameBits(one[i], two[i]), `shape ${shapes[i].join("×")}`).toBe(true);
  });

  it("shares the bidiagonalisation's matrix-vector products, with the same bits as on one thread", async () => {
    // Au by rows, and Aᵀv as the same two half-sums wherever they are computed.
    const m = 604, n = 600;
    const run = () => {
      const K = _kernels()!;
      const base = _heapAlloc(m * n + 4 * n + 2 * m);
      const H = _heapView();
      H.set(randomMatrix(m, n, rng(3)).data, base);
      const u = base + m * n, v = u + n, x = v + m, y = x + m, y2 = y + n;
      H.set(randomMatrix(1, n, rng(4)).data, u);
      H.set(randomMatrix(1, m, rng(5)).data, v);
      H.fill(0, y, y2 + n);
      const before = _poolStats().shared;
      _av(K, 8 * base, 8 * n, m, 8 * u, 8 * x, n);
      _atvHalves(K, 8 * base, 8 * n, m, 8 * v, 8 * y, 8 * y2, n);
      const out = { Au: H.slice(x, x + m), top: H.slice(y, y + n), bottom: H.slice(y2, y2 + n), shared: _poolStats().shared - before };
      _heapRelease(base);
      return out;
    };
    const one = await withThreads(1, run);
    for (const threads of [2, 3]) { // with three, one worker's share of the two halves is empty
      await withThreads(1, () => undefined); // a fresh team of threads − 1 workers below
      const many = await withThreads(threads, run);
      expect(many.shared).toBe(2);
      for (const key of ["Au", "top", "bottom"] as const) expect(sameBits(one[key], many[key]), `${key}, ${threads} threads`).toBe(true);
    }
    // the halves add up to Aᵀv
    const A = randomMatrix(m, n, rng(3)).data, vv = randomMatrix(1, m, rng(5)).data;
    for (const c of [0, 299, 599]) {
      let s = 0;
      for (let r = 0; r < m; r++) s += vv[r] * A[r * n + c];
      expect(one.top[c] + one.bottom[c]).toBeCloseTo(s, 10);
    }
  });

  it("gives a bit-identical svd of a 700×600 matrix with 1 and 2 threads", async () => {
    const A = randomMatrix(700, 600, rng(7));
    const one = await withThreads(1, () => svd(A));
    const before = _poolStats().shared;
    const two = await withThreads(2, () => svd(A));
    expect(_poolStats().shared).toBeGreaterThan(before);
    expect(sameBits(one.U.data, two.U.data)).toBe(true);
    expect(sameBits(Float64Array.from(one.S), Float64Array.from(two.S))).toBe(true);
    expect(sameBits(one.V.data, two.V.data)).toBe(true);
  });
});

const cli = join(import.meta.dirname, "..", "..", "..", "dist", "src", "cli", "main.js");

describe.skipIf(!existsSync(cli))("LOWRANK_THREADS", () => {
  const dir = mkdtempSync(join(tmpdir(), "lowrank-threads-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (experiment: string, threads: string) => {
    const r = spawnSync(process.execPath, [cli, "run", experiment, "--preset", "quick", "--json", "--out", join(dir, `${experiment}-${threads}`)], {
      encoding: "utf8",
      env: { ...process.env, LOWRANK_THREADS: threads },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { metrics: Record<string, unknown>; claims: { id: string; holds: boolean; evidence: string }[] };
  };

  // robust-recovery's quick preset runs thousands of its Float64 products on both threads
  // (double-descent's too, but it takes twice as long).
  it.each(["robust-recovery"])("gives %s's quick preset the same claims and metrics with 1 and 2 threads", (experiment) => {
    const one = run(experiment, "1"), two = run(experiment, "2");
    expect(two.claims.map((c) => [c.id, c.holds])).toEqual(one.claims.map((c) => [c.id, c.holds]));
    expect(two.metrics).toEqual(one.metrics); // exact: the products are bit-identical
    expect(two.claims.map((c) => c.evidence)).toEqual(one.claims.map((c) => c.evidence));
  });

  it("rejects a value that is not a thread count", () => {
    const r = spawnSync(process.execPath, [cli, "run", "robust-recovery", "--preset", "quick", "--json", "--out", join(dir, "bad")], {
      encoding: "utf8",
      env: { ...process.env, LOWRANK_THREADS: "two" },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("LOWRANK_THREADS=two");
  });
});
