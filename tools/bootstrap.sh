#!/usr/bin/env bash
# Installs everything the project needs on Debian 12, idempotently:
#   [1] Debian packages (compilers, emscripten, libraries, chromium)
#   [2] Dear ImGui 1.86 sources from Debian's source package, into a cache outside git
#   [3] npm packages for the browser tests (playwright-core, never a bundled browser)
# Fast when everything is present: each step checks first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${KB_CACHE:-$HOME/.cache/kommo-altegio}
mkdir -p "$cache"

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# [1] Debian packages -------------------------------------------------------------------------------
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates python3 python3-fonttools python3-brotli zlib1g-dev
  clang libclang-rt-14-dev
  emscripten
  libcpp-httplib-dev libssl-dev nlohmann-json3-dev libexpected-dev libboost-json1.81-dev
  libsqlitecpp-dev libsqlite3-dev libpqxx-dev postgresql libsodium-dev libspdlog-dev libcli11-dev doctest-dev
  libglfw3-dev libbenchmark-dev
  fonts-noto-core fonts-droid-fallback fonts-symbola chromium curl sqlite3
)
# Node.js: keep whatever node the machine has (it may come with its own npm); else Debian's.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# [2] Dear ImGui sources ----------------------------------------------------------------------------
imgui_dir="$cache/imgui"
if [ ! -f "$imgui_dir/imgui.cpp" ]; then
  sources=/etc/apt/sources.list.d/debian.sources
  if [ -f "$sources" ] && ! grep -q 'deb-src' "$sources"; then
    sudo_if_needed sed -i 's/^Types: deb$/Types: deb deb-src/' "$sources"
    sudo_if_needed apt-get update -qq
  fi
  work=$(mktemp -d)
  (cd "$work" && apt-get source -qq imgui >/dev/null 2>&1)
  src=$(ls -d "$work"/imgui-*/ | head -1)
  rm -rf "$imgui_dir" && mkdir -p "$imgui_dir"
  cp -r "$src"/. "$imgui_dir"/
  rm -rf "$work"
  echo "bootstrap: Dear ImGui sources in $imgui_dir"
fi

# [3] npm packages for the browser tests -----------------------------------------------------------
if [ -f "$root/tests/e2e/package.json" ] && [ ! -d "$root/tests/e2e/node_modules/playwright-core" ]; then
  (cd "$root/tests/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
echo "bootstrap: ok (cache $cache)"
