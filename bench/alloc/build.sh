#!/usr/bin/env bash
# Builds the allocator comparison's programs into OUT (default /tmp/bench):
# the microbenchmark, Lua, SQLite's shell and speedtest1, each linked against
# this tree's sysroot (Lamina's allocator, *-new.wasm) and against one built
# with LAMINA_MALLOC=mallocng (*-ng.wasm), plus native glibc builds.
# Needs build/apps built by apps/build.sh (lua sqlite) and
#   LAMINA_MALLOC=mallocng toolchain/build-sysroot.sh build-ng
# Usage: bench/alloc/build.sh [OUT]; then bench/alloc/bench.py (OUT in $BENCH_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/tmp/bench}
L=$root/target/x86_64-unknown-linux-gnu/release/lamina
A=$root/build/apps
mb=$root/bench/alloc/mb.c   # random malloc/free mix, 8 B..4 KiB, 4M operations per thread
mkdir -p "$out"
cp "$root/bench/alloc/alloc.lua" "$out/"
python3 "$root/bench/alloc/gen.py" > "$out/load.sql"
# The SQLite shell's own flags, from its build's link line.
line=$(grep "libtool: link:" "$A/sqlite/wasm/make.log" | tail -n1 | sed 's/^libtool: link: //')
flags=$(echo "$line" | sed 's|^[^ ]* ||; s| -o sqlite3 .*||')
for v in new ng; do
	if [ $v = new ]; then sysroot=$root/build/sysroot; else sysroot=$root/build-ng/sysroot; fi
	export LAMINA_SYSROOT=$sysroot   # not --sysroot: see the notes
	"$L" cc -O2 "$mb" -lpthread -o "$out/mb-$v.wasm"
	"$L" cc -o "$out/lua-$v.wasm" "$A"/lua/wasm/*.o -lm -ldl
	# shellcheck disable=SC2086 # flags are words
	(cd "$A/sqlite/wasm" && "$L" cc $flags -o "$out/sqlite3-$v.wasm" shell.c .libs/libsqlite3.a -lm)
	"$L" cc -O2 -I"$A/sqlite/wasm" -o "$out/speedtest1-$v.wasm" "$A/src/sqlite3/test/speedtest1.c" \
		"$A/sqlite/wasm/.libs/libsqlite3.a" -lm
done
unset LAMINA_SYSROOT
gcc -O2 -pthread "$mb" -o "$out/mb-glibc"
cp "$A/bin/lua" "$A/bin/sqlite3" "$out/"
gcc -O2 -I"$A/sqlite/native" -o "$out/speedtest1" "$A/src/sqlite3/test/speedtest1.c" \
	"$A/sqlite/native/.libs/libsqlite3.a" -lm -lpthread -ldl
echo "bench/alloc/build.sh: $out"
