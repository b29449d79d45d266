#!/usr/bin/env bash
# Every test: builds the trees, then runs the native suite (shared rules, relay with sandbox, browser
# end-to-end, i18n and purity checks; sanitizers on), the shared suite again as WebAssembly under node, and
# the libFuzzer targets for a bounded time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
KB_WITH_FUZZ=1 bash tools/build.sh
status=0
ctest --preset native --output-on-failure || status=1
ctest --preset wasm --output-on-failure || status=1
ctest --preset fuzz --output-on-failure -j 2 || status=1   # each target fuzzes for 20 s under ASan and UBSan
exit $status
