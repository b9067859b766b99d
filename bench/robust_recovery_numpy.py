"""numpy doing the same SubGM / GD work as lowrank-lab's robust-recovery experiment.

Same problem sizes, variants (in the same order, deduplicated the same way as run.ts
variantsFor), iteration count, recording stride, step rules and power iteration for ||Q_t||_2 as
src/experiments/robust-recovery (run.ts, solver.ts, model.ts); only the random numbers differ.
All variants share one pass over A per product, as there: A(X) for every variant is one GEMM
(X @ A.T, [V, m]) and the adjoint sum_i w_i A_i is one GEMM (W @ A, [V, n^2]), so numpy gets its
best case, BLAS level 3.

Usage: python3 bench/robust_recovery_numpy.py ['{"n": 40, ...}']  (defaults: the `paper` preset)
Prints one JSON object: {"ms": wall time of setup + T iterations (the best of "repeats" runs,
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

PAPER = dict(n=40, r=3, kappa=1, m=3000, rPrime=40, ps=[0, 0.2, 0.3, 0.4, 0.5, 0.6], pMain=0.2, pCovered=0.4,
             outlierScale=10, sigma=0, alpha=1e-5, alphas=[1e-2, 1e-3, 1e-4, 1e-5], eta0=0.1, rho=0.995,
             etaL2=0.1, T=2500, seed=0)


def variants_for(p):
    out, seen = [], set()

    def add(method, pp, alpha, k):
        key = (method, pp, alpha, k)
        if key not in seen:
            seen.add(key)
            out.append(key)

    for pp in p["ps"]:
        add("l1", pp, p["alpha"], p["rPrime"])
        add("l2", pp, p["alpha"], p["rPrime"])
    add("l1", p["pMain"], p["alpha"], p["rPrime"])
    add("l2", p["pMain"], p["alpha"], p["rPrime"])
    add("l1", p["pMain"], p["alpha"], p["r"])
    for a in p["alphas"]:
        add("l1", p["pMain"], a, p["rPrime"])
    return out


def spectral_norm(Q, v, iterations=8):
    """||Q||_2 by power iteration on Q^2, warm-started from v (updated in place), as model.ts does."""
    lam = 0.0
    for _ in range(iterations):
        w = Q @ (Q @ v)
        norm = np.linalg.norm(w)
        if norm == 0:
            return 0.0
        v[:] = w / norm
        lam = math.sqrt(norm)
    return lam


def main():
    p = dict(PAPER)
    if len(sys.argv) > 1:
        p.update(json.loads(sys.argv[1]))
    n, r, m, T = p["n"], p["r"], p["m"], p["T"]
    n2 = n * n

    def work():
        rng = np.random.default_rng(p["seed"])

        V0, _ = np.linalg.qr(rng.standard_normal((n, r)))
        lam = np.linspace(1.0, 1.0 / p["kappa"], r) if r > 1 else np.ones(1)
        Ustar = V0 * np.sqrt(lam)
        Xstar = (Ustar @ Ustar.T).ravel()
        normX = np.linalg.norm(Xstar)
        A = rng.standard_normal((m, n2))  # row i = vec(A_i)
        clean = A @ Xstar
        order = rng.permutation(m)
        outliers = rng.standard_normal(m)
        noise = rng.standard_normal(m)

        variants = variants_for(p)
        V = len(variants)
        ys = []
        for _, pp, _, _ in variants:
            y = clean + p["sigma"] * normX * noise
            idx = order[: int(round(pp * m))]
            y[idx] = p["outlierScale"] * normX * outliers[idx]
            ys.append(y)
        Y = np.stack(ys)  # [V, m]
        r_max = max(k for _, _, _, k in variants)
        base = rng.standard_normal((n, r_max))
        Us = [(a / math.sqrt(n)) * base[:, :k].copy() for _, _, a, k in variants]
        power = [np.full(n, 1 / math.sqrt(n)) for _ in range(V)]

        stride = max(1, math.floor(T / 200 + 0.5))  # Math.round, as run.ts strideFor
        X = np.empty((V, n2))
        errors = []
        for t in range(T + 1):
            for v in range(V):
                X[v] = (Us[v] @ Us[v].T).ravel()
            R = X @ A.T - Y  # residuals of every variant: one pass over A, [V, m]
            if t % stride == 0 or t == T:
                errors.append(np.linalg.norm(X - Xstar, axis=1) / normX)
            if t == T:
                break
            W = np.empty_like(R)
            for v, (method, _, _, _) in enumerate(variants):
                W[v] = (np.sign(R[v]) if method == "l1" else R[v]) / m
            S = W @ A  # sum_i w_vi A_i for every variant: one pass over A, [V, n2]
            for v, (method, _, _, _) in enumerate(variants):
                Sv = S[v].reshape(n, n)
                Q = 0.5 * (Sv + Sv.T)
                if method == "l1":
                    norm = spectral_norm(Q, power[v])
                    c = p["eta0"] * p["rho"] ** t / norm if norm > 0 else 0.0
                else:
                    c = 2 * p["etaL2"]
                Us[v] = Us[v] - c * (Q @ Us[v])
        return errors, variants, V

    (errors, variants, V), ms, cpu_ms = best_of(p.get("repeats", 1), work)
    names = [f"{method} p={pp} alpha={a} r'={k}" for method, pp, a, k in variants]
    print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "T": T, "variants": V, "finalErrors": dict(zip(names, map(float, errors[-1]))),
                      "numpy": np.__version__}))


if __name__ == "__main__":
    main()
