#!/usr/bin/env bash
# Sets up everything the tests need, then runs all of them and ends on one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
source scripts/env.sh
# One build from scratch: incremental caches would only take disk (gigabytes of it) and time.
export CARGO_INCREMENTAL=0
# The wasm digest test replays every example and lesson (and each under four strategies and KIP-848) in one
# synchronous call of a debug build; wasm-bindgen-test-runner's default budget for a test is 20 s.
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-600}

passed=0
failed=0
failures=()

step() {
  local name=$1
  shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf '\033[32mPASS\033[0m %s (%ds)\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf '\033[31mFAIL\033[0m %s (%ds)\n' "$name" $((SECONDS - start))
  fi
}

step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy" cargo clippy --all-targets -- -D warnings
step "native tests" cargo test
step "wasm tests in headless Chromium" cargo test --target wasm32-unknown-unknown --test web
# The page under test is the release build plus one test hook, `?debug-panic` (src/ui/crash.rs), which
# crash.spec.ts needs to force the crash page; it is compiled in only with REBALANCE_LAB_DEBUG_PANIC set.
# One build, into target/e2e-dist and never into dist/: a page published from `trunk build --release`'s
# dist/ (or served by scripts/serve.sh) has no hook.
e2e_dist=$PWD/target/e2e-dist
step "release build with the test hook (trunk)" env REBALANCE_LAB_DEBUG_PANIC=1 trunk build --release --dist "$e2e_dist"
step "bundle size" bash scripts/wasm-size.sh "$e2e_dist"
step "browser end-to-end tests" env E2E_DIST="$e2e_dist" npx playwright test -c tests/e2e

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed steps: %s\n' "${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
