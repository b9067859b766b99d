"""numpy.linalg.svd(A, full_matrices=False) timings for bench/svd.ts.

Usage: python3 bench/svd_numpy.py '{"n": 1024, "repeats": 3}'
Prints one JSON object: {"ms": best_ms, "cpuMs": best_cpu_ms, "numpy": version} (wall and CPU
time; CPU time adds up every BLAS thread); exits 3 when numpy is missing (bench/python.ts then
tries the next interpreter). A seeded Gaussian n x n matrix, one warm-up call, then the best of
`repeats` timed calls (bench/timing.py).
"""
import json
import sys

from timing import best_of

try:
    import numpy as np
except ImportError:
    sys.stderr.write("numpy is not installed for " + sys.executable + "\n")
    sys.exit(3)


def main() -> None:
    args = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    n, repeats = int(args.get("n", 1024)), args.get("repeats", 3)
    A = np.random.default_rng(n).standard_normal((n, n))
    np.linalg.svd(A, full_matrices=False)
    _, ms, cpu_ms = best_of(repeats, lambda: np.linalg.svd(A, full_matrices=False))
    print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
