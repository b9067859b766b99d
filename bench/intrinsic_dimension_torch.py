"""PyTorch doing the subspace-training steps that bench/intrinsicDimension.ts times.

Li et al. 2018 (arXiv:1804.08838, section 2): the FC net 784-200-200-10 (D = 199,210) as one flat
float32 vector theta = theta0 + P theta_d, only theta_d trained, by Adam (lr 1e-3, betas 0.9/0.99,
eps 1e-8, as the paper's code) with an L2 term 1e-5 on the kernels, batch 128. P is Fastfood
(H G Pi H B, padded to L = 2^18, first D entries kept, scaled as in the paper's code; H a fast
Walsh-Hadamard transform made of torch ops) or a dense Gaussian D x d matrix with unit columns.
Autograd supplies dL/dtheta_d = P^T dL/dtheta, as in PyTorch ports of the paper's code.
The digits are random pixels and labels of MNIST's shape: a step's cost does not depend on them.

Threads as installed, or one (torch.set_num_threads(1)) when bench/python.ts sets
OMP_NUM_THREADS=1; reports wall (perf_counter) and CPU (process_time) ms per step after warm-up steps.
Prints one JSON line: {"<kind>/<d>": {"ms": .., "cpuMs": ..}, ...}. Exits 3 without torch.
"""
import json
import math
import os
import sys
import time

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
sizes = [784, 200, 200, 10]
shapes = [s for i in range(3) for s in [(sizes[i], sizes[i + 1]), (sizes[i + 1],)]]
D = sum(math.prod(s) for s in shapes)
L = 1 << math.ceil(math.log2(D))


def fwht(x):
    """x <- H x, unnormalised, by log2(L) butterfly stages on a [blocks, 2, h] view."""
    n, h = x.shape[0], 1
    while h < n:
        y = x.view(n // (2 * h), 2, h)
        x = torch.stack((y[:, 0] + y[:, 1], y[:, 0] - y[:, 1]), dim=1).reshape(n)
        h *= 2
    return x


def fastfood(d):
    B = torch.randint(0, 2, (d,)).float() * 2 - 1
    Pi = torch.randperm(L)
    G = torch.randn(L)
    scale = 1 / (math.sqrt(L * float((G * G).sum())) * math.sqrt(D / L))

    def apply(theta_d):
        a = F.pad(B * theta_d, (0, L - d))
        return scale * fwht(G * fwht(a)[Pi])[:D]

    return apply


def dense(d):
    P = torch.randn(D, d)
    P /= P.norm(dim=0, keepdim=True)
    return lambda theta_d: P @ theta_d


def time_steps(kind, d, steps, warmup, batch, pool):
    theta0 = torch.cat([(torch.randn(s) * math.sqrt(2 / s[0])).reshape(-1) if len(s) == 2 else torch.zeros(s) for s in shapes])
    apply = fastfood(d) if kind == "fastfood" else dense(d)
    theta_d = torch.zeros(d, requires_grad=True)
    opt = torch.optim.Adam([theta_d], lr=1e-3, betas=(0.9, 0.99), eps=1e-8)
    X, y = torch.rand(pool, 784), torch.randint(0, 10, (pool,))
    for t in range(warmup + steps):
        if t == warmup:
            wall, cpu = time.perf_counter(), time.process_time()
        idx = torch.randint(0, pool, (batch,))
        theta = theta0 + apply(theta_d)
        W, o = [], 0
        for s in shapes:
            n = math.prod(s)
            W.append(theta[o:o + n].view(s))
            o += n
        h = X[idx]
        for i in range(3):
            h = h @ W[2 * i] + W[2 * i + 1]
            if i < 2:
                h = torch.relu(h)
        loss = F.cross_entropy(h, y[idx]) + 1e-5 * sum((w * w).sum() for w in W[0::2])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {"ms": (time.perf_counter() - wall) * 1000 / steps, "cpuMs": (time.process_time() - cpu) * 1000 / steps}


out = {}
for run in args["runs"]:
    out[f"{run['kind']}/{run['d']}"] = time_steps(run["kind"], run["d"], args["steps"], args["warmup"], args["batch"], args["pool"])
print(json.dumps(out))
