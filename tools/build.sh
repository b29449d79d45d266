#!/usr/bin/env bash
# Installs what is missing, then builds: build/wasm (the widget, the shared tests as wasm), build/native
# (relay, sandbox, native tests) and, with KB_WITH_FUZZ=1, build/fuzz (libFuzzer targets, clang) and
# build/bench (optimised relay and sandbox for the long load and crash tests, and the benchmarks).
# Used by tools/demo.sh and tools/test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/bootstrap.sh
export NODE_PATH=/usr/share/nodejs   # emscripten's JS optimiser needs Debian's node modules
[ -f build/wasm/build.ninja ] || emcmake cmake --preset wasm >/dev/null
cmake --build --preset wasm
[ -f build/native/build.ninja ] || cmake --preset native >/dev/null
cmake --build --preset native
if [ "${KB_WITH_FUZZ:-0}" = 1 ]; then
  [ -f build/fuzz/build.ninja ] || cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz
  [ -f build/bench/build.ninja ] || cmake --preset bench >/dev/null
  cmake --build --preset bench
fi
