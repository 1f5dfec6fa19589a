#!/usr/bin/env bash
# Installs what Rebalance Lab needs, each piece only when it is missing.
#   scripts/setup.sh app    wasm target, Trunk, wasm-bindgen-cli, npm packages (wasm-opt from binaryen)
#   scripts/setup.sh test   the above plus Debian's chromium and chromium-driver
# Only package registries are used (crates.io, npm, Debian): nothing is downloaded from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (about 12 minutes on 2 cores)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
}

ensure_wasm_bindgen_cli() {
  if ! wasm-bindgen --version 2>/dev/null | grep -q "wasm-bindgen $WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 6 minutes)"
    # Not --locked: its own lock file names a crate version crates.io no longer serves.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_npm_packages() {
  if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@playwright/test ] \
      || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages from package-lock.json"
    # Playwright must never fetch its own browser: the tests drive Debian's chromium.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    as_root apt-get install -y chromium chromium-driver \
      || { as_root apt-get update && as_root apt-get install -y chromium chromium-driver; }
  fi
}

main() {
  local what=${1:-app}
  ensure_wasm_target
  ensure_wasm_bindgen_cli
  ensure_trunk
  ensure_npm_packages
  if [ "$what" = test ]; then
    ensure_chromium
  fi
}

main "$@"
