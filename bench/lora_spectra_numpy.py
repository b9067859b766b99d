"""The spectral comparison of bench/loraSpectra.ts in numpy, on the same matrices.

Usage: python3 bench/lora_spectra_numpy.py '{"file": PATH, "n": 768, "k": 10, "epsilon": 0.5, "repeats": 3}'
PATH holds W0 then W, each n x n, row-major little-endian float64 (written by the TypeScript
side, so both sides see identical input). The timed work is what lab.spectra.compare does:
thin SVD of both matrices (LAPACK gesdd), |cos| of the top-k left singular vectors of W against
all of W0's, the largest per vector, the intruder count (largest |cos| < epsilon), and the
effective (Roy & Vetterli 2007) and stable ranks of both. One warm-up call, then the best of
`repeats` calls (bench/timing.py), in wall and in CPU time (CPU time adds up every BLAS thread).
Prints one JSON object on its last line; exits 3 when numpy is missing.
"""
import json
import sys

from timing import best_of


def main() -> None:
    try:
        import numpy as np
    except ImportError:
        print("numpy is not installed for " + sys.executable, file=sys.stderr)
        sys.exit(3)  # bench/python.ts then tries the next interpreter
    p = json.loads(sys.argv[1])
    n, k, eps = int(p["n"]), int(p["k"]), float(p["epsilon"])
    W0, W = np.fromfile(p["file"], dtype="<f8").reshape(2, n, n)

    def effective_rank(S):
        q = S / S.sum()
        q = q[q > 0]
        return float(np.exp(-(q * np.log(q)).sum()))

    def stable_rank(S):
        return float(((S / S[0]) ** 2).sum())

    def compare():
        U0, S0, _ = np.linalg.svd(W0, full_matrices=False)
        U, S, _ = np.linalg.svd(W, full_matrices=False)
        cos = np.abs(U[:, :k].T @ U0)  # k x n: fine-tuned j against every pretrained i
        best = cos.max(axis=1)
        return {
            "maxSimilarity": best.tolist(),
            "intruders": int((best < eps).sum()),
            "effectiveRank": [effective_rank(S0), effective_rank(S)],
            "stableRank": [stable_rank(S0), stable_rank(S)],
        }

    out = compare()
    _, ms, cpu_ms = best_of(int(p.get("repeats", 3)), compare)
    out.update({"ms": ms, "cpuMs": cpu_ms, "numpy": np.__version__})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
