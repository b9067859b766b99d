"""numpy doing the same alternating-minimisation work as lowrank-lab's matrix-completion experiment.

Same sizes and steps as the convergence runs of src/experiments/matrix-completion (run.ts, model.ts):
an m x n rank-k M = U diag(s) V^T (s evenly spaced from 1 down to 1/kappa), |Omega| = round(c n k ln n)
entries uniformly without replacement, the spectral start from the SVD of (mn/|Omega|) P_Omega(M), then
T alternating steps with exact row updates (normal equations) and T with approximate ones (cgIters
warm-started CGLS iterations per row), both from the same start. Only the random numbers differ.

Every row is handled at once, numpy's best case: the exact update builds all row Gram matrices with
one einsum over the observed entries and np.add.reduceat, then one batched np.linalg.solve; CGLS runs
its iterations on all rows together, with the per-row sums as reduceat over the row-sorted entries.

Usage: python3 bench/matrix_completion_numpy.py ['{"m": 300, ...}']  (defaults: the `paper` preset)
Prints one JSON object: {"ms": wall time of sampling, start and 2T steps (the best of "repeats" runs,
default 1: bench/timing.py), "cpuMs": its CPU time (best likewise), "finalErrors": {...}, ...}.
"""
import json
import math
import sys

from timing import best_of

try:
    import numpy as np
except ImportError:  # exit 3: bench/python.ts then tries the next interpreter
    sys.stderr.write("numpy is not installed for " + sys.executable + "\n")
    sys.exit(3)

PAPER = dict(m=300, n=300, k=5, kappa=1, c=3, T=40, cgIters=2, seed=0)


class Side:
    """One half of Omega, sorted by the rows being solved for: entry t is (row[t], other[t], val[t])."""

    def __init__(self, row, other, val, rows):
        order = np.lexsort((other, row))
        self.row, self.other, self.val = row[order], other[order], val[order]
        counts = np.bincount(self.row, minlength=rows)
        self.starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        self.seen = counts > 0
        self.rows = rows

    def rowsum(self, x):
        """Per-row sums of x (entries along axis 0), zero for rows with no entries."""
        out = np.zeros((self.rows,) + x.shape[1:])
        out[self.seen] = np.add.reduceat(x, self.starts[self.seen], axis=0)
        return out


def exact_half(X, side, Y, k):
    Yo = Y[side.other]  # [|Omega|, k]
    G = side.rowsum(np.einsum("ta,tb->tab", Yo, Yo))  # [rows, k, k]
    b = side.rowsum(Yo * side.val[:, None])  # [rows, k]
    ridge = 1e-15 * (np.trace(G, axis1=1, axis2=2) / k)
    ridge[ridge == 0] = 1e-15
    G += ridge[:, None, None] * np.eye(k)
    X[side.seen] = np.linalg.solve(G[side.seen], b[side.seen][..., None])[..., 0]


def cgls_half(X, side, Y, iters):
    Yo = Y[side.other]
    res = side.val - np.einsum("ta,ta->t", Yo, X[side.row])
    s = side.rowsum(Yo * res[:, None])
    d = s.copy()
    gamma = np.einsum("ra,ra->r", s, s)
    for _ in range(iters):
        q = np.einsum("ta,ta->t", Yo, d[side.row])
        qq = side.rowsum(q * q)
        alpha = np.divide(gamma, qq, out=np.zeros_like(gamma), where=(qq > 0) & (gamma > 0))
        X += alpha[:, None] * d
        res -= alpha[side.row] * q
        s = side.rowsum(Yo * res[:, None])
        nxt = np.einsum("ra,ra->r", s, s)
        beta = np.divide(nxt, gamma, out=np.zeros_like(nxt), where=gamma > 0)
        d = s + beta[:, None] * d
        gamma = nxt


def main():
    p = dict(PAPER)
    if len(sys.argv) > 1:
        p.update(json.loads(sys.argv[1]))
    m, n, k, T, iters = p["m"], p["n"], p["k"], p["T"], p["cgIters"]
    rng = np.random.default_rng(p["seed"])
    U, _ = np.linalg.qr(rng.standard_normal((m, k)))
    V, _ = np.linalg.qr(rng.standard_normal((n, k)))
    s = np.linspace(1.0, 1.0 / p["kappa"], k) if k > 1 else np.ones(1)
    M = (U * s) @ V.T
    norm = math.sqrt(float(np.sum(s * s)))

    state = rng.bit_generator.state  # every repeat samples the same Omega

    def work():
        rng.bit_generator.state = state
        count = min(m * n, round(p["c"] * n * k * math.log(n)))
        chosen = np.sort(rng.permutation(m * n)[:count])
        i, j = chosen // n, chosen % n
        vals = M[i, j]
        rows, cols = Side(i, j, vals, m), Side(j, i, vals, n)
        P = np.zeros((m, n))
        P[i, j] = (m * n / count) * vals
        Uk, Sk, Vkt = np.linalg.svd(P)
        root = np.sqrt(Sk[:k])
        X0, Y0 = Uk[:, :k] * root, Vkt[:k].T * root

        errors = {}
        for solver in ("exact", "approx"):
            X, Y = X0.copy(), Y0.copy()
            for _ in range(T):
                if solver == "exact":
                    exact_half(X, rows, Y, k)
                    exact_half(Y, cols, X, k)
                else:
                    cgls_half(X, rows, Y, iters)
                    cgls_half(Y, cols, X, iters)
            errors[solver] = float(np.linalg.norm(X @ Y.T - M) / norm)
        return count, errors

    (count, errors), ms, cpu_ms = best_of(p.get("repeats", 1), work)
    print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "T": T, "omega": count, "finalErrors": errors, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
