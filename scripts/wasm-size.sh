#!/usr/bin/env bash
# Prints the size of the release build in dist/ (run `trunk build --release` first).
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
files=(dist/*.wasm dist/*.js dist/*.css)
[ ${#files[@]} -gt 0 ] || { echo "no dist/ build: run trunk build --release first" >&2; exit 1; }
printf '%-44s %10s %10s\n' file raw gzip
for f in "${files[@]}"; do
  printf '%-44s %10d %10d\n' "$(basename "$f")" "$(wc -c <"$f")" "$(gzip -9 -c "$f" | wc -c)"
done
