#!/usr/bin/env bash
# Sets everything up, then serves the playground on http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
source scripts/env.sh
exec trunk serve "$@"
