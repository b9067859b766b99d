"""numpy doing the double-descent model-wise sweep that bench/doubleDescent.ts times.

The same work as `double-descent --probe model-wise --features relu`: MNIST centred and scaled to
unit norm, ReLU random features scaled by 1/sqrt(n), and at every grid point N the minimum-norm
least-squares solution on the first N features (np.linalg.lstsq, LAPACK gelsd: the standard call),
its test predictions and test risk. Loading the digits is not timed. Prints one JSON line with the
wall time ("ms", time.perf_counter) and the CPU time ("cpuMs", time.process_time: steadier when the
machine is shared; with several BLAS threads it adds up every thread), each the best of "repeats"
runs (default 1: bench/timing.py).
"""
import json
import sys

from timing import best_of

try:
    import numpy as np
except ImportError:  # exit 3: bench/python.ts then tries the next interpreter
    sys.stderr.write("numpy is not installed for " + sys.executable + "\n")
    sys.exit(3)

args = json.loads(sys.argv[1])
n, m, ratios, seed, digits = args["n"], args["m"], args["ratios"], args["seed"], args["digits"]

X, y = [], []
for label in range(10):
    with open(f"{digits}/{label}.json") as f:
        raw = np.asarray(json.load(f)["data"], dtype=np.float64).reshape(-1, 784)
    X.append(raw)
    y.append(np.full(len(raw), label))
X, y = np.concatenate(X), np.concatenate(y)


def work():
    rs = np.random.default_rng(seed)
    perm = rs.permutation(len(y))
    tr, te = perm[m:m + n], perm[:m]
    Xc = X - X.mean(axis=0)
    Xc /= np.linalg.norm(Xc, axis=1, keepdims=True)
    Y = np.eye(10)[y]
    grid = sorted({max(1, round(r * n)) for r in ratios})
    W = rs.standard_normal((784, grid[-1]))
    Ftr = np.maximum(Xc[tr] @ W, 0) / np.sqrt(n)
    Fte = np.maximum(Xc[te] @ W, 0) / np.sqrt(n)
    risks = []
    for N in grid:
        B = np.linalg.lstsq(Ftr[:, :N], Y[tr], rcond=None)[0]
        P = Fte[:, :N] @ B
        risks.append(float(np.mean(np.sum((P - Y[te]) ** 2, axis=1))))
    return grid, risks

(grid, risks), ms, cpu_ms = best_of(args.get("repeats", 1), work)
print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "grid": grid, "risks": risks}))
