#!/usr/bin/env bash
# Prints the size of the release build in dist/ (run `trunk build --release` first), or in the directory
# given (scripts/test.sh measures the page it tests, target/e2e-dist).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-dist}
shopt -s nullglob
files=("$dir"/*.wasm "$dir"/*.js "$dir"/*.css)
[ ${#files[@]} -gt 0 ] || { echo "no build in $dir/: run trunk build --release first" >&2; exit 1; }
printf '%-44s %10s %10s\n' file raw gzip
for f in "${files[@]}"; do
  printf '%-44s %10d %10d\n' "$(basename "$f")" "$(wc -c <"$f")" "$(gzip -9 -c "$f" | wc -c)"
done
