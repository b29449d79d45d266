#!/usr/bin/env bash
# The demo: builds only what it runs (the widget as WebAssembly; the relay and the sandbox optimised, without
# sanitizers), starts the sandbox (simulated Kommo + Altegio) and the relay on free localhost ports, installs the
# widget in the simulated Kommo account, and prints the lead card's URL. Ctrl-C stops it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/build.sh" demo
KB_BUILD_DIR="$root/build/release" exec node "$root/tools/stack.mjs" "$@"
