#!/usr/bin/env bash
# Installs what is missing, then builds both trees: build/wasm (the widget, the shared tests as wasm) and
# build/native (relay, sandbox, native tests). Used by tools/demo.sh and tools/test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/bootstrap.sh
export NODE_PATH=/usr/share/nodejs   # emscripten's JS optimiser needs Debian's node modules
[ -f build/wasm/build.ninja ] || emcmake cmake --preset wasm >/dev/null
cmake --build --preset wasm
[ -f build/native/build.ninja ] || cmake --preset native >/dev/null
cmake --build --preset native
