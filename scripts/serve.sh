#!/usr/bin/env bash
# Sets everything up, then serves the playground on http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
source scripts/env.sh
# The crash page's test hook (`?debug-panic`, src/ui/crash.rs) belongs to the tested build only.
unset REBALANCE_LAB_DEBUG_PANIC
exec trunk serve "$@"
