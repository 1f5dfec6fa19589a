# Sourced by the scripts: local tools first, Trunk offline.
# `cargo install` puts trunk and wasm-bindgen in $CARGO_HOME/bin (~/.cargo/bin by default).
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
