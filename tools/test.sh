#!/usr/bin/env bash
# Every test: builds both trees, then runs the native suite (shared rules, relay with sandbox, browser
# end-to-end, i18n and purity checks; sanitizers on) and the shared suite again as WebAssembly under node.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/build.sh
status=0
ctest --preset native --output-on-failure || status=1
ctest --preset wasm --output-on-failure || status=1
exit $status
