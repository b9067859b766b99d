#!/usr/bin/env bash
# On a lent NVIDIA machine (PyTorch and nvcc, no Node, no network), from the repository root:
#   bash bench/gpu/run.sh            (a) doctor on the hardware adapter, (b) a fixed slice of each
#                                    experiment's `full` preset on webgpu, timed, (c) the same
#                                    steps in PyTorch CUDA; ratios, GFLOP/s and d_int90 at the end
#   bash bench/gpu/run.sh --dry-run  the same logic at toy sizes, on LOWRANK_BACKEND (default wasm)
#                                    and PyTorch on the CPU: for checking the script anywhere
# Reads build/carry/lowrank-gpu.tar.xz (prepare.sh); writes everything under $OUT (or ./gpu-out).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# The archive sits beside this script in build/carry/, or in build/carry/ below it in the repository.
if [ -f "$here/lowrank-gpu.tar.xz" ]; then carry="${CARRY:-$here}"; else carry="${CARRY:-$here/build/carry}"; fi
out="${OUT:-$PWD/gpu-out}"
work="${WORK:-/tmp/lowrank-gpu}"
dry=0
for a in "$@"; do [ "$a" = "--dry-run" ] && dry=1; done
if [ $dry = 1 ]; then export LOWRANK_BACKEND="${LOWRANK_BACKEND:-wasm}"; torch_device=cpu; else export LOWRANK_BACKEND="${LOWRANK_BACKEND:-webgpu}"; torch_device=cuda; fi
mkdir -p "$out" "$work"
log() { echo "== $*" | tee -a "$out/summary.txt"; }

log "unpack node and the bundle into $work"
xz -dc "$carry/lowrank-gpu.tar.xz" | tar -C "$work" -xf - || { echo "cannot unpack $carry/lowrank-gpu.tar.xz: run prepare.sh first" >&2; exit 1; }
node="$work/lowrank-gpu/node"; bundle="$work/lowrank-gpu/bundle.mjs"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | tee -a "$out/summary.txt"

log "(a) doctor (LOWRANK_BACKEND=$LOWRANK_BACKEND)"
"$node" "$bundle" doctor 2>&1 | tee -a "$out/summary.txt"
"$node" "$bundle" doctor --json > "$out/doctor.json" 2>>"$out/doctor.err"

# Fixed slices of each full preset: the same work on every card, so figures compare across runs.
# "--set" lists in the dry run cut everything to seconds.
declare -A slice
if [ $dry = 1 ]; then
  slice[intrinsic-dimension]="--set dims=300,750,1500 --set lenet=false --set seeds=1 --set widths=200 --set compareDims=200 --set steps=20 --set directSteps=20 --set trainSize=1000 --set valSize=500 --set bootstrap=50"
  slice[attention-rank]="--set inputs=random --set N=16,64 --set d=4,16 --set NRef=64 --set trials=1 --set steps=10 --set vitWidth=32 --set heads=2 --set depth=1 --set trainSize=500 --set testSize=200 --set rankImages=1 --set sbN=64 --set temperatures=1 --set oracle=false"
  slice[lora-spectra]="--set preSteps=20 --set ftSteps=10 --set ranks=1,8 --set frozenRanks=1 --set lambdas=0,1 --set nTrain=1000 --set nTest=200 --set hidden=64 --set layers=2"
  slice[double-descent]="--set probe=lora-rank --set loraRanks=1,8 --set loraTrain=100 --set loraPretrainSteps=20 --set loraSteps=10"
  steps_id=20; steps_vit=10; vit="32 2 1"; steps_mlp=80; mlp="64 2"
else
  slice[intrinsic-dimension]="--set dims=300,500,750,1000,1500,3000 --set lenet=false --set seeds=1 --set widths=200 --set compareDims=200 --set steps=3000 --set directSteps=3000 --set bootstrap=500"
  slice[attention-rank]="--set inputs=random --set N=16,64,256 --set d=4,16 --set NRef=256 --set trials=1 --set steps=1000 --set rankImages=4 --set sbN=128 --set temperatures=0.1,1 --set oracle=false"
  slice[lora-spectra]="--set preSteps=2000 --set ftSteps=500 --set ranks=1,8 --set frozenRanks=1 --set lambdas=0,1"
  slice[double-descent]="--set probe=lora-rank"
  steps_id=3000; steps_vit=1000; vit="128 4 4"; steps_mlp=5000; mlp="512 4"
fi

log "(b) slices of the full presets on $LOWRANK_BACKEND"
for e in intrinsic-dimension attention-rank lora-spectra double-descent; do
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$node" "$bundle" slice "$e" ${slice[$e]} > "$out/$e.json" 2> "$out/$e.err"
  rc=$?
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  grep -a "about" "$out/$e.err" | tee -a "$out/summary.txt"
  echo "$e: exit $rc, wall ${wall} s" | tee -a "$out/summary.txt"
  [ $rc = 0 ] || tail -5 "$out/$e.err"
done

log "(c) PyTorch on $torch_device, the same steps (synthetic inputs of the same shapes: timing only)"
# The intrinsic-dimension slice trains 6 subspace runs and 1 direct run of FC 784-200-200-10.
python3 "$here/torch_reference.py" --device "$torch_device" --id-steps "$steps_id" --id-runs 7 \
  --vit-steps "$steps_vit" --vit $vit --mlp-steps "$steps_mlp" --mlp $mlp > "$out/torch.json" 2> "$out/torch.err" \
  || tail -5 "$out/torch.err"

log "results"
python3 - "$out" <<'PY' | tee -a "$out/summary.txt"
import json, sys, os
out = sys.argv[1]
def load(name):
    try:
        with open(os.path.join(out, name)) as f: return json.loads(f.read().strip().splitlines()[-1])
    except Exception as e: return None
torch = load("torch.json") or {}
pairs = {"intrinsic-dimension": "intrinsic", "attention-rank": "vit", "lora-spectra": "mlp"}
for e in ["intrinsic-dimension", "attention-rank", "lora-spectra", "double-descent"]:
    r = load(e + ".json")
    if not r: print(f"{e}: no result (see {e}.err)"); continue
    c = r.get("cost") or {}
    gf = c.get("tensorFlops", 0) / r["seconds"] / 1e9 if r["seconds"] else 0
    line = f"{e}: {r['seconds']:.1f} s on {r['backend']}" + (f" ({r['adapter']})" if r.get("adapter") else "")
    line += f", estimate was {r['estimateSeconds']:.0f} s" if r.get("estimateSeconds") else ""
    line += f", {gf:.2f} GFLOP/s of counted tensor work"
    t = torch.get(pairs.get(e, ""))
    if t: line += f"; PyTorch {t['seconds']:.1f} s ({t['gflops']:.1f} GFLOP/s): webgpu/torch time ratio {r['seconds'] / t['seconds']:.1f}"
    print(line)
    for k, v in sorted(r.get("metrics", {}).items()):
        if "dint90" in k.lower(): print(f"  {k} = {v}")
print(f"torch device: {torch.get('device', 'not run')}")
PY
echo "files in $out"
