"""The work of bench/gpu/run.sh's slices in PyTorch, timed, on synthetic inputs of the same shapes
(timing only: no accuracy, no d_int90 here; those come from lowrank-lab's own run).

- intrinsic: FC 784-200-200-10 trained in a Fastfood subspace (θ = θ₀ + P·θ_d, Walsh–Hadamard
  transform in torch ops, Adam on θ_d), batch 128, d = 750, `--id-runs` runs of `--id-steps`.
- vit: the attention-rank ViT shape: 49 tokens of 4×4 patches, width, heads, depth, MLP ratio 2,
  batch 128, Adam, `--vit-steps` steps.
- mlp: the lora-spectra backbone: 784-h-…-h-10 (layers of width h), batch 256, AdamW.
Prints one JSON line: per part, seconds, steps, and GFLOP/s by the same flop counts as the
lowrank-lab cost models (6 flops per weight per example for a training step).
"""
import argparse, json, math, time
import torch

ap = argparse.ArgumentParser()
ap.add_argument("--device", default="cuda")
ap.add_argument("--id-steps", type=int, default=3000)
ap.add_argument("--id-runs", type=int, default=7)
ap.add_argument("--vit-steps", type=int, default=1000)
ap.add_argument("--vit", type=int, nargs=3, default=[128, 4, 4], metavar=("WIDTH", "HEADS", "DEPTH"))
ap.add_argument("--mlp-steps", type=int, default=5000)
ap.add_argument("--mlp", type=int, nargs=2, default=[512, 4], metavar=("HIDDEN", "LAYERS"))
a = ap.parse_args()
dev = torch.device(a.device if a.device != "cuda" or torch.cuda.is_available() else "cpu")
torch.manual_seed(0)

def sync():
    if dev.type == "cuda": torch.cuda.synchronize()

def timed(fn):
    sync(); t = time.perf_counter(); fn(); sync(); return time.perf_counter() - t

def fwht(x):  # unnormalised Walsh–Hadamard along the last dim (a power of 2)
    n = x.shape[-1]; h = 1
    while h < n:
        x = x.view(-1, n // (2 * h), 2, h)
        x = torch.stack((x[:, :, 0] + x[:, :, 1], x[:, :, 0] - x[:, :, 1]), dim=2).view(-1, n)
        h *= 2
    return x.view(-1)

def intrinsic(steps, runs, d=750, batch=128):
    sizes = [784, 200, 200, 10]
    D = sum(i * o + o for i, o in zip(sizes, sizes[1:])); L = 2 ** math.ceil(math.log2(D))
    X = torch.randn(batch * 8, 784, device=dev); y = torch.randint(0, 10, (batch * 8,), device=dev)
    def one_run():
        theta0 = torch.randn(D, device=dev) * 0.05
        B = torch.randint(0, 2, (L,), device=dev).float() * 2 - 1; G = torch.randn(L, device=dev)
        Pi = torch.randperm(L, device=dev); S = torch.randn(L, device=dev).abs()
        td = torch.zeros(d, device=dev, requires_grad=True)
        opt = torch.optim.Adam([td], lr=1e-3)
        for t in range(steps):
            v = torch.zeros(L, device=dev); v[:d] = td
            theta = theta0 + (S * fwht(G * fwht(B * v)[Pi]))[:D] / L
            o = 0; h = X[(t % 8) * batch:(t % 8 + 1) * batch]
            for li, (i, oo) in enumerate(zip(sizes, sizes[1:])):
                W = theta[o:o + i * oo].view(i, oo); b = theta[o + i * oo:o + i * oo + oo]; o += i * oo + oo
                h = h @ W + b
                if li < 2: h = torch.relu(h)
            loss = torch.nn.functional.cross_entropy(h, y[(t % 8) * batch:(t % 8 + 1) * batch])
            opt.zero_grad(); loss.backward(); opt.step()
    s = timed(lambda: [one_run() for _ in range(runs)])
    return {"seconds": s, "steps": steps * runs, "gflops": 6 * batch * D * steps * runs / s / 1e9}

def vit(steps, width, heads, depth, batch=128, T=49):
    layer = lambda: torch.nn.TransformerEncoderLayer(width, heads, 2 * width, dropout=0.0, batch_first=True, norm_first=True)
    model = torch.nn.Sequential(torch.nn.Linear(16, width), *[layer() for _ in range(depth)]).to(dev)
    head = torch.nn.Linear(width, 10).to(dev)
    opt = torch.optim.Adam(list(model.parameters()) + list(head.parameters()), lr=1e-3)
    x = torch.randn(batch, T, 16, device=dev); y = torch.randint(0, 10, (batch,), device=dev)
    def go():
        for _ in range(steps):
            loss = torch.nn.functional.cross_entropy(head(model(x).mean(1)), y)
            opt.zero_grad(); loss.backward(); opt.step()
    s = timed(go)
    madds = T * 16 * width + depth * (T * 8 * width * width + 2 * T * T * width) + width * 10
    return {"seconds": s, "steps": steps, "gflops": 6 * batch * madds * steps / s / 1e9}

def mlp(steps, hidden, layers, batch=256):
    dims = [784] + [hidden] * layers
    mods = []
    for i, o in zip(dims, dims[1:]): mods += [torch.nn.Linear(i, o), torch.nn.ReLU()]
    model = torch.nn.Sequential(*mods, torch.nn.Linear(hidden, 10)).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.5)
    x = torch.randn(batch, 784, device=dev); y = torch.randint(0, 10, (batch,), device=dev)
    def go():
        for _ in range(steps):
            loss = torch.nn.functional.cross_entropy(model(x), y)
            opt.zero_grad(); loss.backward(); opt.step()
    s = timed(go)
    weights = sum(i * o for i, o in zip(dims, dims[1:])) + hidden * 10
    return {"seconds": s, "steps": steps, "gflops": 6 * batch * weights * steps / s / 1e9}

name = torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu"
print(json.dumps({
    "device": name, "torch": torch.__version__,
    "intrinsic": intrinsic(a.id_steps, a.id_runs),
    "vit": vit(a.vit_steps, *a.vit),
    "mlp": mlp(a.mlp_steps, *a.mlp),
}))
