#!/usr/bin/env bash
# Sets Lamina up on a Debian 12 machine: system packages, the WALI C
# compiler, the WALI spec, a release build; then runs a real program.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

echo "== Debian packages"
as_root apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    clang-22 lld-22 libclang-rt-22-dev-wasm32 gcc libc6-dev wabt strace python3 python3-venv ca-certificates

echo "== Rust"
if ! command -v cargo >/dev/null; then
    echo "error: Lamina needs Rust >= 1.95 (cargo); install it with rustup and re-run" >&2
    exit 1
fi
cargo --version

echo "== WALI specification (PyPI: wali-linux)"
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check wali-linux

echo "== Build"
cargo build --release --locked

echo "== Run a WALI program"
mkdir -p build/examples
clang-22 --target=wasm32-unknown-linux-muslwali -nostdlib -O2 -matomics -mbulk-memory \
    -Wl,--shared-memory -Wl,--export-memory -Wl,--max-memory=2147483648 \
    -I tests/guests/include -o build/examples/wc.wasm examples/wc.c
target/release/lamina run build/examples/wc.wasm README.md Cargo.toml
