# bzip2 (source package bzip2): bzip2 (also bunzip2 and bzcat, which are
# bzip2 under another name) and bzip2recover, sourced by apps/build.sh.

# bzip2's Makefile builds in its source directory, so each flavour builds in
# its own copy of the unpacked source, made again when the source changes.
# The targets and flags are Debian's (debian/rules: make libbz2.a bzip2
# bzip2recover, with -Wall -Winline -D_REENTRANT -D_FILE_OFFSET_BITS=64), the
# tools given as the Makefile's variables ("To assist in cross-compiling").
# Debian's makefile.diff links bzip2 with libbz2.so; a WALI program has no
# shared libraries, so both builds link the static libbz2.a that the same
# Makefile builds, by telling make not to make libbz2.so (-o libbz2.so):
# `-L. -lbz2` then finds libbz2.a.
bzip2_flavor() {
	local flavor=$1 dir=$apps/bzip2/$1
	shift
	local source
	source=$(cat "$apps/src/bzip2/.unpacked-from")
	if [ "$(cat "$dir/.copied-from" 2>/dev/null)" != "$source" ]; then
		rm -rf "$dir"
		mkdir -p "$(dirname "$dir")"
		cp -a "$apps/src/bzip2" "$dir"
		echo "$source" > "$dir/.copied-from"
	fi
	# The Makefile depends on neither its variables nor the C library.
	record "$dir/.built-with" "$*"
	if [ "$dir/.built-with" -nt "$dir/bzip2" ] ||
		{ [ "$flavor" = wasm ] && [ "$sysroot/lib/libc.a" -nt "$dir/bzip2" ]; }; then
		rm -f "$dir"/*.o "$dir"/libbz2.a "$dir"/bzip2 "$dir"/bzip2recover
	fi
	# Two runs: with libbz2.so out of the picture nothing tells make that
	# bzip2 needs libbz2.a, and a parallel make linked it while the library
	# was being written ("unable to find library -lbz2", seen in CI).
	local flags=("$@" "CFLAGS=-O2 -g -Wall -Winline" "CPPFLAGS=-D_REENTRANT -D_FILE_OFFSET_BITS=64")
	logged "$dir/make-lib.log" make -C "$dir" -j"$(nproc)" libbz2.a "${flags[@]}"
	logged "$dir/make.log" make -C "$dir" -j"$(nproc)" -o libbz2.so bzip2 bzip2recover "${flags[@]}"
}

build_bzip2() {
	unpack bzip2
	bzip2_flavor wasm "CC=$wali_cc" AR=llvm-ar-22 RANLIB=llvm-ranlib-22
	bzip2_flavor native CC=gcc
	publish "$apps/bzip2/wasm/bzip2" bzip2.wasm
	publish "$apps/bzip2/native/bzip2" bzip2
	publish "$apps/bzip2/wasm/bzip2recover" bzip2recover.wasm
	publish "$apps/bzip2/native/bzip2recover" bzip2recover
}
