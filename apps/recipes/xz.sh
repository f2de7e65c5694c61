# XZ Utils (source package xz-utils): xz, xzdec and lzmainfo, sourced by
# apps/build.sh.

# XZ Utils' configure, out of the source tree, with threads as Debian
# configures them (--enable-threads), static (--disable-shared: a WALI
# program has no shared libraries, and the native build is made the same
# way) and without translations (--disable-nls), so that both builds print
# the same English messages. Extra configure arguments follow FLAVOR.
xz_flavor() {
	local flavor=$1 dir=$apps/xz/$1
	shift
	local args=(--enable-threads --disable-shared --disable-nls "$@")
	local key
	key=$(printf '%s\n' "$(cat "$apps/src/xz-utils/.unpacked-from")" "${args[@]}" | sha256sum)
	if [ "$(cat "$dir/.configured-with" 2>/dev/null)" != "$key" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd "$dir" && logged "$dir/configure.log" "$apps/src/xz-utils/configure" "${args[@]}")
		echo "$key" > "$dir/.configured-with"
	fi
	# The Makefiles know their own sources but not the C library's.
	if [ "$flavor" = wasm ] && [ "$sysroot/lib/libc.a" -nt "$dir/src/xz/xz" ]; then
		rm -f "$dir"/src/xz/xz "$dir"/src/xzdec/xzdec "$dir"/src/xzdec/lzmadec "$dir"/src/lzmainfo/lzmainfo
	fi
	logged "$dir/make.log" make -C "$dir" -j"$(nproc)"
}

build_xz() {
	unpack xz-utils
	# The two flavours build in parallel: configure runs one test at a time.
	xz_flavor wasm --host=wasm32-linux-muslwali --build="$(gcc -dumpmachine)" \
		"CC=$wali_cc" AR=llvm-ar-22 RANLIB=llvm-ranlib-22 &
	local wasm_job=$!
	xz_flavor native CC=gcc &
	local native_job=$!
	local failed=0
	wait $wasm_job || failed=1
	wait $native_job || failed=1
	[ $failed = 0 ] || die "building xz-utils failed"
	local program
	for program in xz/xz xzdec/xzdec lzmainfo/lzmainfo; do
		publish "$apps/xz/wasm/src/$program" "${program#*/}.wasm"
		publish "$apps/xz/native/src/$program" "${program#*/}"
	done
}
