#!/usr/bin/env bash
# Sets Lamina up on a Debian 12 machine: system packages, the WALI spec, a
# release build, the WALI C and C++ toolchain (our musl port, from Debian's musl
# source package, and LLVM's libc++ from Debian's llvm-toolchain-22); then
# builds and runs a real program with it.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# apt downloads as its unprivileged _apt user. Some machines (CI sandboxes)
# open the network to root only, where _apt cannot even resolve the archive's
# name: when apt-get update fails to fetch, we download as root instead. An
# archive that root cannot reach either leaves apt's old lists (a warning),
# enough when every package is already installed.
apt_options=()
apt_update() {
    as_root apt-get update -q --error-on=any "${apt_options[@]}" && return
    if [ "${#apt_options[@]}" -eq 0 ]; then
        echo "setup: apt-get update failed to fetch; retrying with downloads as root (APT::Sandbox::User=root)" >&2
        apt_options=(-o APT::Sandbox::User=root)
        as_root apt-get update -q "${apt_options[@]}"
    fi
}

echo "== Debian packages"
# protobuf-compiler and libseccomp-dev build the containerd shim
# (crates/containerd-shim-lamina: containerd's API, youki's seccomp); its test
# runs a containerd of its own.
apt_update
# --no-upgrade: installed packages stay as they are (set-up installs what is
# missing; upgrading the machine is its owner's business).
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade "${apt_options[@]}" \
    clang-22 lld-22 llvm-22 libclang-rt-22-dev-wasm32 gcc g++ libc6-dev linux-libc-dev make cmake ninja-build patch dpkg-dev xz-utils tcl \
    wabt strace python3 python3-venv ca-certificates musl-tools autoconf automake libtool autopoint wasi-libc wrk \
    protobuf-compiler libseccomp-dev containerd

echo "== Debian source packages (for apt-get source)"
as_root python3 scripts/enable-deb-src.py
apt_update

echo "== Rust"
if ! command -v cargo >/dev/null; then
    echo "error: Lamina needs Rust >= 1.95 (cargo); install it with rustup and re-run" >&2
    exit 1
fi
cargo --version

echo "== PyPI: the WALI specification (wali-linux), wasmtime (the reference WASI for tests)"
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check wali-linux wasmtime==51.0.0

echo "== Build"
cargo build --release --locked

echo "== WALI toolchain (build/sysroot, build/bin/lamina-cc, lamina-c++)"
bash toolchain/build-sysroot.sh
bash toolchain/install-bin.sh
bash toolchain/build-libcxx.sh
bash wasi/build.sh

echo "== Build and run WALI programs (C, C++)"
mkdir -p build/examples
build/bin/lamina-cc -O2 -o build/examples/wc.wasm examples/wc.c
build/bin/lamina run build/examples/wc.wasm README.md Cargo.toml
build/bin/lamina-c++ -O2 -o build/examples/wordfreq.wasm examples/wordfreq.cpp
build/bin/lamina run build/examples/wordfreq.wasm README.md Cargo.toml
