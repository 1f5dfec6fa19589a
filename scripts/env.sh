# Sourced by the scripts: local tools first, Trunk offline.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
