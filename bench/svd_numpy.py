"""numpy.linalg.svd(A, full_matrices=False) timings for bench/svd.ts.

Usage: python3 bench/svd_numpy.py SIZES REPEATS   (SIZES like 256,1024)
Prints one JSON object: {"ms": {"256": best_ms, ...}, "numpy": version}, or
{"error": "..."} when numpy is missing. Each size gets a seeded Gaussian n x n matrix, one
warm-up call, then the best of REPEATS timed calls.
"""
import json
import sys
import time


def main() -> None:
    try:
        import numpy as np
    except ImportError:
        print(json.dumps({"error": "numpy is not installed for " + sys.executable}))
        return
    sizes = [int(s) for s in sys.argv[1].split(",")] if len(sys.argv) > 1 else [256, 1024]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    ms = {}
    for n in sizes:
        A = np.random.default_rng(n).standard_normal((n, n))
        np.linalg.svd(A, full_matrices=False)
        best = float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            np.linalg.svd(A, full_matrices=False)
            best = min(best, time.perf_counter() - t)
        ms[str(n)] = best * 1000
    print(json.dumps({"ms": ms, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
