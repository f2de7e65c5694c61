#!/usr/bin/env bash
# Runs every check and test of the project (after scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --release --locked --workspace --all-targets -- -D warnings
# Doc comments' links must resolve (they name the code they explain).
RUSTDOCFLAGS="-D warnings" cargo doc --release --locked --workspace --no-deps --quiet
cargo test --release --locked --workspace --no-fail-fast
