#!/usr/bin/env bash
# Makes BIN_DIR (default: build/bin) the toolchain's bin directory: relative
# symlinks to the lamina binary (default: target/x86_64-unknown-linux-gnu/release/lamina) under the
# names it acts on. `lamina-cc` beside BIN_DIR/../sysroot uses that sysroot,
# so build/bin/lamina-cc builds against build/sysroot. The
# wasm32-linux-muslwali-* names are the ones `./configure
# --host=wasm32-linux-muslwali` looks for on PATH. Idempotent.
#
# Usage: toolchain/install-bin.sh [BIN_DIR [LAMINA_BINARY]]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath -m "${1:-$root/build/bin}")
lamina=$(realpath -m "${2:-$root/target/x86_64-unknown-linux-gnu/release/lamina}")

mkdir -p "$bin"
target=$(realpath -m --relative-to="$bin" "$lamina")
for name in lamina lamina-cc lamina-c++ wasm32-linux-muslwali-cc wasm32-linux-muslwali-gcc wasm32-linux-muslwali-c++ \
	wasm32-linux-muslwali-g++; do
	ln -sfn "$target" "$bin/$name"
done
# The binary utilities (LLVM's, run by lamina; autoconf and Kbuild look
# for strip, nm, objcopy... under the --host prefix).
for tool in ar ranlib nm strip objcopy objdump readelf size strings; do
	ln -sfn "$target" "$bin/lamina-$tool"
	ln -sfn "$target" "$bin/wasm32-linux-muslwali-$tool"
done
[ -x "$lamina" ] || echo "install-bin: note: $lamina does not exist yet (cargo build --release)" >&2
