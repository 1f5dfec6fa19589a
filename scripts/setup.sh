#!/usr/bin/env bash
# Installs what Rebalance Lab needs, each piece only when it is missing.
#   scripts/setup.sh app    wasm target, Trunk, wasm-bindgen-cli, npm packages (wasm-opt from binaryen)
#   scripts/setup.sh test   the above plus Debian's chromium and chromium-driver, and confluent-kafka
#                           from PyPI in target/py (the Code tab's Python snippets are run with it)
# Only package registries are used (crates.io, npm, PyPI, Debian): nothing is downloaded from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
# The same PATH the other scripts use, so a tool found (or installed) here is the one they run.
source scripts/env.sh

TRUNK_VERSION=0.21.14
# tests/model/snippets.rs checks for exactly this version.
CONFLUENT_KAFKA_VERSION=2.16.1
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

check_trunk_toml() {
  # Trunk runs offline, so Trunk.toml must name exactly the wasm-bindgen installed below.
  local pinned
  pinned=$(sed -n 's/^wasm_bindgen = "\(.*\)"$/\1/p' Trunk.toml)
  if [ "$pinned" != "$WASM_BINDGEN_VERSION" ]; then
    echo "Trunk.toml pins wasm_bindgen = \"$pinned\" but Cargo.lock has wasm-bindgen $WASM_BINDGEN_VERSION" >&2
    exit 1
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
    apt_install chromium chromium-driver
  fi
  # The Playwright config serves the page under test (target/e2e-dist) with `python3 -m http.server`.
  if ! command -v python3 >/dev/null; then
    say "installing Debian's python3"
    apt_install python3
  fi
}

ensure_python_client() {
  # A virtual environment of its own: Debian's python3 refuses `pip install` outside one (PEP 668).
  if ! target/py/bin/python3 -c "import sys, confluent_kafka; sys.exit(confluent_kafka.__version__ != '$CONFLUENT_KAFKA_VERSION')" 2>/dev/null; then
    say "installing confluent-kafka $CONFLUENT_KAFKA_VERSION from PyPI into target/py"
    if ! python3 -m venv --clear target/py 2>/dev/null; then
      apt_install python3-venv
      python3 -m venv --clear target/py
    fi
    target/py/bin/python3 -m pip install --quiet --no-cache-dir "confluent-kafka==$CONFLUENT_KAFKA_VERSION"
  fi
}

apt_install() {
  # A fresh Debian image has no package lists yet: update once if the first try fails.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" \
    || { as_root apt-get update \
      && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"; }
}

main() {
  local what=${1:-app}
  check_trunk_toml
  ensure_wasm_target
  ensure_wasm_bindgen_cli
  ensure_trunk
  ensure_npm_packages
  if [ "$what" = test ]; then
    ensure_chromium
    ensure_python_client
  fi
}

main "$@"
