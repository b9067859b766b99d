"""numpy doing the same gradient-descent work as lowrank-lab's matrix-sensing experiment.

Same problem sizes, variants, iteration count, recording stride and one-step re-factoring as
src/experiments/matrix-sensing (run.ts, model.ts); only the random numbers differ. The
operator is applied to all variants at once, as there: one pass over A for A(X) (a GEMM,
X @ A.T) and one for the adjoint (R @ A), so numpy gets its best case, BLAS level 3.

Usage: python3 bench/matrix_sensing_numpy.py ['{"n": 50, ...}']  (defaults: the `paper` preset)
Prints one JSON object: {"ms": wall time of setup + T iterations (the best of "repeats" runs,
default 1: bench/timing.py), "cpuMs": its CPU time (best likewise), "finalErrors": {...}, ...}.
"""
import json
import sys

from timing import best_of

try:
    import numpy as np
except ImportError:  # exit 3: bench/python.ts then tries the next interpreter
    sys.stderr.write("numpy is not installed for " + sys.executable + "\n")
    sys.exit(3)

PAPER = dict(n=50, r=3, kappa=1.5, m=1000, k=5, eta=0.15, T=2500, alphaSym=0.05,
             alphas=[0.02, 0.04, 0.08], tau=1e-2, seed=0)


def rebalance(F, G):
    """F = QR; F <- cQ, G <- G R^T / c with c^2 = ||F G^T||_2 (the product is unchanged)."""
    Q, R = np.linalg.qr(F)
    GR = G @ R.T
    c = np.sqrt(np.linalg.norm(GR, 2))
    return c * Q, GR / c


def main():
    p = dict(PAPER)
    if len(sys.argv) > 1:
        p.update(json.loads(sys.argv[1]))
    n, r, m, k, T, eta = p["n"], p["r"], p["m"], p["k"], p["T"], p["eta"]
    n2 = n * n

    def work():
        rng = np.random.default_rng(p["seed"])

        U, _ = np.linalg.qr(rng.standard_normal((n, r)))
        sigma = np.linspace(1.0, 1.0 / p["kappa"], r) if r > 1 else np.ones(1)
        M = ((U * sigma) @ U.T).ravel()
        normM = np.linalg.norm(M)
        A = rng.standard_normal((m, n2))  # non-symmetric A_i, row i = vec(A_i)
        y = A @ M
        normY = np.linalg.norm(y)

        # (family, k, alpha): the same list and order as run.ts variantsFor().
        variants = [("symmetric", r, p["alphaSym"]), ("symmetric", k, p["alphaSym"]), ("asymmetric", r, p["alphaSym"])]
        variants += [("asymmetric", k, a) for a in p["alphas"]] + [("one-step", k, a) for a in p["alphas"]]
        V = len(variants)
        factors, switched = [], [-1] * V
        for fam, kk, a in variants:
            F = a * rng.standard_normal((n, kk))
            factors.append([F, F if fam == "symmetric" else (a / 3) * rng.standard_normal((n, kk))])

        stride = max(1, T // 1000)
        X = np.empty((V, n2))
        errors = []
        for t in range(T + 1):
            for v, (F, G) in enumerate(factors):
                X[v] = (F @ G.T).ravel()
            if t % stride == 0 or t == T:
                errors.append(np.linalg.norm(X - M, axis=1) / normM)
            if t == T:
                break
            Z = (X @ A.T - y) / m  # A(X) for all variants: one pass over A, [V, m]
            for v, (fam, _, _) in enumerate(variants):
                if fam == "one-step" and switched[v] < 0 and np.linalg.norm(Z[v]) * m <= p["tau"] * normY:
                    factors[v] = list(rebalance(*factors[v]))
                    switched[v] = t
            S = Z @ A  # adjoint for all variants: one pass over A, [V, n2]
            for v, (fam, _, _) in enumerate(variants):
                F, G = factors[v]
                Sv = S[v].reshape(n, n)
                if fam == "symmetric":
                    factors[v] = [F - eta * (Sv + Sv.T) @ F] * 2
                else:
                    factors[v] = [F - eta * (Sv @ G), G - eta * (Sv.T @ F)]
        return errors, switched, variants, V

    (errors, switched, variants, V), ms, cpu_ms = best_of(p.get("repeats", 1), work)
    names = [f"{fam} k={kk} alpha={a}" for fam, kk, a in variants]
    print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "T": T, "variants": V, "finalErrors": dict(zip(names, map(float, errors[-1]))),
                      "switchIters": switched, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
