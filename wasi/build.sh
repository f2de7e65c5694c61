#!/usr/bin/env bash
# Builds the WASI preview 1 layer, build/wasi/wasi_snapshot_preview1.wasm:
# a WALI module (lamina-cc, the default ILP32 ABI) exporting every
# wasi_snapshot_preview1 function, which Lamina links WASI programs to.
# Incremental: rebuilds only when a source, this script, the sysroot or the
# driver's flags changed (a content key, kept beside the output).
# Idempotent; prints one line.
#
# Usage: wasi/build.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/wasi/layer
out_dir=$root/build/wasi
out=$out_dir/wasi_snapshot_preview1.wasm
cc=$root/build/bin/lamina-cc
sysroot=$root/build/sysroot

[ -x "$cc" ] || { echo "wasi/build.sh: $cc is missing (bash toolchain/install-bin.sh after cargo build --release)" >&2; exit 1; }
[ -f "$sysroot/lib/libc.a" ] || { echo "wasi/build.sh: no sysroot (bash toolchain/build-sysroot.sh)" >&2; exit 1; }

key=$( { sha256sum "$src"/*.c "$src"/*.h "$0" "$sysroot"/lib/*.a;
	(cd "$sysroot/include" && find . -type f -printf '%P %s %T@\n' | sort);
	"$cc" --print-cflags; } | sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ "$(cat "$out_dir/.key" 2>/dev/null)" = "$key" ]; then
	echo "wasi/build.sh: $out is up to date"
	exit 0
fi

mkdir -p "$out_dir"
rm -f "$out_dir/.key"
# A 1 MiB stack (after the driver's own 64 MiB, so it wins): the layer's
# frames are small and every WASI program gets one layer.
"$cc" -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$src" -o "$out" "$src"/*.c -Wl,-z,stack-size=1048576
echo "$key" > "$out_dir/.key"
echo "wasi/build.sh: built $out"
