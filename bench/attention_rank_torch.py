"""PyTorch doing the attention heads that bench/attentionRank.ts times with lab.attention.

The same work as lab.attention.attend(kind, X, weights) for one head in float64: projections
Q, K, V (and RALA's gate O) of random tokens X [N, D], then softmax attention (the N x N map
materialised, as torch.softmax(Q K^T / sqrt(d)) V does), linear attention with phi = ELU + 1 and
its d x dv KV buffer, or RALA (token weights alpha = softmax(mean phi(q) . phi(k) / sqrt(d)), keys
re-weighted by alpha N, a 2-D RoPE on phi(q) and the re-weighted phi(k) of the numerator and KV
buffer as in RALA's code and lab.attention, a 5 x 5 depthwise LePE on the token grid, and the gate;
RoPE's angles are computed once per call, as ours are). Threads as
installed, or one (torch.set_num_threads(1)) when bench/python.ts sets OMP_NUM_THREADS=1. Best wall
(time.perf_counter) and best CPU (time.process_time) time of the repeats (bench/timing.py), after
one untimed call.
Prints one JSON line: {"<kind>/<N>": {"ms": .., "cpuMs": ..}, ...}. Exits 3 when torch is not installed.
"""
import json
import math
import os
import sys

from timing import best_of

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.stderr.write("torch is not installed\n")
    sys.exit(3)

args = json.loads(sys.argv[1])
if os.environ.get("OMP_NUM_THREADS") == "1":
    torch.set_num_threads(1)
torch.manual_seed(0)
D, d, dv, size = args["D"], args["d"], args["dv"], 5


def phi(x):
    return F.elu(x) + 1


def rope_tables(N, d, grid):
    """cos and sin [N, d/2] of lab.attention's rope2d: pairs of the first half turn by row y * theta_i, of the second by column x * theta_i."""
    quarter = d // 4
    i = torch.arange(quarter, dtype=torch.float64)
    theta = torch.ones(1, dtype=torch.float64) if quarter == 1 else 10000.0 ** (-i / (quarter - 1))
    t = torch.arange(N)
    y, x = (t // grid[1]).to(torch.float64), (t % grid[1]).to(torch.float64)
    angles = torch.cat([y[:, None] * theta, x[:, None] * theta], dim=1)  # [N, d/2]
    return torch.cos(angles), torch.sin(angles)


def rope(x, tables):
    c, s = tables
    a, b = x[:, 0::2], x[:, 1::2]
    return torch.stack([a * c - b * s, b * c + a * s], dim=2).reshape(x.shape)


def kernelized(fq, fk, v, tables=None):
    kv = (fk if tables is None else rope(fk, tables)).T @ v  # [d, dv]
    z = fq @ fk.sum(0)  # [N]
    return ((fq if tables is None else rope(fq, tables)) @ kv) / z[:, None]


def head(kind, X, W, grid):
    Q, K, V = X @ W["q"], X @ W["k"], X @ W["v"]
    if kind == "softmax":
        return torch.softmax(Q @ K.T / math.sqrt(d), dim=-1) @ V
    fq, fk = phi(Q), phi(K)
    if kind == "linear":
        return kernelized(fq, fk, V)
    N = X.shape[0]
    alpha = torch.softmax(fk @ fq.mean(0) / math.sqrt(d), dim=0)
    lin = kernelized(fq, fk * (alpha * N)[:, None], V, rope_tables(N, fq.shape[1], grid))
    h, w = grid
    img = F.pad(V, (0, 0, 0, h * w - N)).T.reshape(1, dv, h, w)
    local = F.conv2d(img, W["lepe"], padding=size // 2, groups=dv).reshape(dv, h * w).T[:N]
    return (lin + local) * (X @ W["o"])


out = {}
for N in args["N"]:
    w = math.ceil(math.sqrt(N))
    grid = (math.ceil(N / w), w)
    X = torch.randn(N, D, dtype=torch.float64)
    W = {k: torch.randn(D, n, dtype=torch.float64) / math.sqrt(D) for k, n in [("q", d), ("k", d), ("v", dv), ("o", dv)]}
    W["lepe"] = torch.randn(dv, 1, size, size, dtype=torch.float64) / size
    for kind in args["kinds"]:
        head(kind, X, W, grid).sum().item()  # one untimed call, as the TypeScript side makes
        _, ms, cpu_ms = best_of(args["repeats"], lambda: head(kind, X, W, grid).sum().item())
        out[f"{kind}/{N}"] = {"ms": ms, "cpuMs": cpu_ms}
print(json.dumps(out))
