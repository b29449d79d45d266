#!/usr/bin/env bash
# Installs what is missing, then builds the trees one purpose needs:
#   bash tools/build.sh demo   build/wasm: the widget only; build/release: relay and sandbox (optimised, no sanitizers)
#   bash tools/build.sh test   build/wasm: widget and the shared tests as wasm; build/native: relay, sandbox and every
#                              test suite with ASan + UBSan (the benches compile there too); build/release: relay and
#                              sandbox, optimised (the security suite attacks these); build/fuzz: libFuzzer targets
# Each phase's time is appended to $KB_PHASE_LOG when it is set (tools/test.sh prints them at its end).
# Used by tools/demo.sh and tools/test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
purpose=${1:-test}

phase() {   # phase NAME COMMAND...: runs COMMAND and records how long it took
  local name=$1 started=$SECONDS
  shift
  "$@"
  [ -z "${KB_PHASE_LOG:-}" ] || echo "$name $((SECONDS - started))" >>"$KB_PHASE_LOG"
}

# build_tree PRESET [TARGET...]: configures the tree once, then builds the targets (all when none is named).
build_tree() {
  local preset=$1
  shift
  local configure=(cmake --preset "$preset")
  [ "$preset" = wasm ] && configure=(emcmake cmake --preset "$preset")
  [ -f "build/$preset/build.ninja" ] || "${configure[@]}" >/dev/null
  if [ $# -gt 0 ]; then cmake --build --preset "$preset" --target "$@"; else cmake --build --preset "$preset"; fi
}

phase install bash tools/bootstrap.sh
export NODE_PATH=/usr/share/nodejs   # emscripten's JS optimiser needs Debian's node modules
case "$purpose" in
  demo)
    phase "build wasm (widget)" build_tree wasm widget
    phase "build release (relay, sandbox)" build_tree release relay sandbox
    ;;
  test)
    phase "build wasm" build_tree wasm
    phase "build native" build_tree native
    phase "build release (relay, sandbox)" build_tree release relay sandbox
    phase "build fuzz" build_tree fuzz
    ;;
  *)
    echo "usage: bash tools/build.sh demo|test" >&2
    exit 2
    ;;
esac
