#!/usr/bin/env bash
# Compiles every distinct Rust program the Code tab writes (for the cases tests/model/snippets.rs
# covers) against the rdkafka crate from crates.io. Not part of scripts/test.sh: rdkafka builds
# librdkafka from source, which takes several minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
RDKAFKA_VERSION=0.38.0

# The snippets are written by the test into this worktree's own target/ (whatever CARGO_TARGET_DIR says
# for the rdkafka build below).
env -u CARGO_TARGET_DIR cargo test -q --test model java_snippets_have_the_shape
snippets=target/tmp/rust-snippets
crate=target/rdkafka-check
rm -rf "$crate/src"
mkdir -p "$crate/src/bin"
cat > "$crate/Cargo.toml" <<TOML
[package]
name = "rdkafka-check"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
rdkafka = "=$RDKAFKA_VERSION"
serde_json = "1"

[workspace]
TOML
cp "$snippets"/*.rs "$crate/src/bin/"
count=$(ls "$crate/src/bin" | wc -l)
(cd "$crate" && cargo build --bins)
echo "$count Rust snippets compile against rdkafka $RDKAFKA_VERSION"
