# SQLite's speedtest1 benchmark program (test/speedtest1.c of the source
# package sqlite3), sourced by apps/build.sh: built with SQLite's own Makefile
# target (`make speedtest1`: the program and the amalgamation compiled
# together with the same CFLAGS and feature macros as the shell), in the
# build directories of apps/recipes/sqlite.sh, natively and for WALI.
# Results: build/apps/bin/speedtest1 and speedtest1.wasm (used by bench/apps.py).

speedtest1_flavor() {
	local flavor=$1 dir=$apps/sqlite/$1
	local cross=no
	[ "$flavor" = wasm ] && cross=yes
	# The Makefile knows sqlite3.c and speedtest1.c, not the C library.
	if [ "$flavor" = wasm ] && [ "$sysroot/lib/libc.a" -nt "$dir/speedtest1" ]; then rm -f "$dir/speedtest1"; fi
	logged "$dir/speedtest1.log" make -C "$dir" CROSS_BUILDING=$cross speedtest1
}

build_speedtest1() {
	# The shell's build configures the directories and makes sqlite3.c.
	declare -F build_sqlite >/dev/null || source "$root/apps/recipes/sqlite.sh"
	build_sqlite
	speedtest1_flavor wasm &
	local wasm_job=$!
	speedtest1_flavor native &
	local native_job=$!
	local failed=0
	wait $wasm_job || failed=1
	wait $native_job || failed=1
	[ $failed = 0 ] || die "building speedtest1 failed"
	publish "$apps/sqlite/wasm/speedtest1" speedtest1.wasm
	publish "$apps/sqlite/native/speedtest1" speedtest1
}
