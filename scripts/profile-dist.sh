#!/bin/bash
# A copy of dist/ whose wasm keeps its function names, for tests/e2e/profile.spec.ts (E2E_DIST=<dir>).
# After `trunk build --release`: runs wasm-bindgen again on the module Trunk built, under the same
# file names, without wasm-opt (which drops the names), and drops the integrity attributes that
# would refuse the other files.
#   bash scripts/profile-dist.sh [OUT]     # OUT defaults to target/profile-dist
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
out=$(realpath -m "${1:-target/profile-dist}")
name=$(basename "$(ls dist/playground-*_bg.wasm)" _bg.wasm)
rm -rf "$out" && mkdir -p "$out"
cp -r dist/. "$out/"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$name" \
  target/wasm32-unknown-unknown/web/playground.wasm
sed -i 's/ integrity="[^"]*"//g' "$out/index.html"
echo "$out"
