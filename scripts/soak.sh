#!/usr/bin/env bash
# Runs N property cases (default 100000) on every core, each thread from a fresh seed, and prints how
# many ran, how many failed (each shrunk to a minimal scenario file under
# target/tmp/property-failures/, replayable with `lab run`), and the slowest case.
#   bash scripts/soak.sh 100000
#   SOAK_SEED=42 bash scripts/soak.sh 5000     # a reproducible soak
set -uo pipefail
cd "$(dirname "$0")/.."
cases=${1:-100000}
if ! [[ "$cases" =~ ^[0-9]+$ ]] || [ "$cases" -lt 1 ]; then
  echo "usage: scripts/soak.sh [N]   (N cases, a whole number, default 100000)" >&2
  exit 2
fi
echo "soak: building the property tests (profile soak: optimized, no LTO)..." >&2
cargo test --profile soak --test model --no-run 2>&1 | tail -1 >&2
mkdir -p target
start=$SECONDS
PROPERTY_PROGRESS=${PROPERTY_PROGRESS:-1000} SOAK_CASES=$cases \
  cargo test --profile soak --test model properties::soak -- --ignored --exact --nocapture 2>&1 \
  | tee target/soak.log | grep --line-buffered -E '^(soak:|slowest case:|FAILED:|slow case|[0-9]+ of [0-9]+ cases)'
status=${PIPESTATUS[0]}
echo "soak: $((SECONDS - start)) s wall clock; full log in target/soak.log" >&2
exit "$status"
