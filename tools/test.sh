#!/usr/bin/env bash
# Every test: installs what is missing, builds the test trees (tools/build.sh test), then runs the native suite
# (shared rules, relay with sandbox on SQLite and PostgreSQL, browser end-to-end, crash and load tests, i18n and
# purity checks; ASan and UBSan on), the shared suite again as WebAssembly under node, and the libFuzzer targets
# for a bounded time. Tests that mostly wait (browsers, rate limits) run beside the CPU-bound ones: see
# tests/e2e/CMakeLists.txt. At its end it prints how long each phase took.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export KB_PHASE_LOG
KB_PHASE_LOG=$(mktemp)
started=$SECONDS

report() {
  echo
  echo "Phases (seconds):"
  while read -r line; do
    printf '  %-34s %6s\n' "${line% *}" "${line##* }"
  done <"$KB_PHASE_LOG"
  printf '  %-34s %6s\n' "total" "$((SECONDS - started))"
  rm -f "$KB_PHASE_LOG"
}
trap report EXIT

phase() {   # phase NAME COMMAND...: runs COMMAND, records how long it took, and returns its status
  local name=$1 begun=$SECONDS status=0
  shift
  "$@" || status=$?
  echo "$name $((SECONDS - begun))" >>"$KB_PHASE_LOG"
  return $status
}

bash tools/build.sh test || exit 1
status=0
# -j 3: a test declares the cores it keeps busy (PROCESSORS), so one CPU-bound test runs beside those that wait.
phase "ctest native" ctest --preset native --output-on-failure -j 3 || status=1
phase "ctest wasm" ctest --preset wasm --output-on-failure || status=1
phase "ctest fuzz" ctest --preset fuzz --output-on-failure -j 2 || status=1   # each target fuzzes for 20 s
exit $status
