# zlib (source package zlib): libz.a and its test programs minigzip and
# example, sourced by apps/build.sh.

# zlib's own configure, out of the source tree (it builds in the directory
# it is run from), static only, with Debian's compiler flags (debian/rules;
# -DUNALIGNED_OK, which it adds for x86 only, is left out of both builds).
# Arguments after FLAVOR are environment variables for configure, the way
# zlib's documentation passes the compiler (CC=... ./configure).
zlib_flavor() {
	local flavor=$1 dir=$apps/zlib/$1
	shift
	local env=("$@" "CFLAGS=-O3 -Wall -D_REENTRANT")
	local key
	key=$(printf '%s\n' "$(cat "$apps/src/zlib/.unpacked-from")" "${env[@]}" | sha256sum)
	if [ "$(cat "$dir/.configured-with" 2>/dev/null)" != "$key" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd "$dir" && logged "$dir/configure.log" env "${env[@]}" "$apps/src/zlib/configure" --static)
		echo "$key" > "$dir/.configured-with"
	fi
	# zlib's Makefile knows its own sources but not the C library's.
	if [ "$flavor" = wasm ] && [ "$sysroot/lib/libc.a" -nt "$dir/minigzip" ]; then
		rm -f "$dir"/*.o "$dir"/libz.a "$dir"/minigzip "$dir"/example "$dir"/minigzip64 "$dir"/example64
	fi
	logged "$dir/make.log" make -C "$dir" -j"$(nproc)" static
}

build_zlib() {
	# The newest version (+deb12u1, a fix in contrib/minizip, which is not
	# built here) is in the security archive only.
	unpack zlib 1:1.2.13.dfsg-1
	zlib_flavor wasm CHOST=wasm32-linux-muslwali "CC=$wali_cc" AR=llvm-ar-22 RANLIB=llvm-ranlib-22
	zlib_flavor native CC=gcc
	publish "$apps/zlib/wasm/minigzip" minigzip.wasm
	publish "$apps/zlib/native/minigzip" minigzip
	publish "$apps/zlib/wasm/example" zlib-example.wasm
	publish "$apps/zlib/native/example" zlib-example
}
