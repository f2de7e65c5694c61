# mawk (source package mawk), sourced by apps/build.sh.

# mawk's configure, out of the source tree, with its defaults (Debian's
# debian/rules adds only hardening flags); `make mawk` as Debian builds it.
# In the cross build mawk's Makefile builds its generator makescan with the
# build machine's compiler (BUILD_CC, which configure finds). Extra configure
# arguments follow FLAVOR.
mawk_flavor() {
	local flavor=$1 dir=$apps/mawk/$1
	shift
	local key
	key=$(printf '%s\n' "$(cat "$apps/src/mawk/.unpacked-from")" "$@" | sha256sum)
	if [ "$(cat "$dir/.configured-with" 2>/dev/null)" != "$key" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd "$dir" && logged "$dir/configure.log" "$apps/src/mawk/configure" "$@")
		echo "$key" > "$dir/.configured-with"
	fi
	# mawk's Makefile knows its own sources but not the C library's.
	if [ "$flavor" = wasm ] && [ "$sysroot/lib/libc.a" -nt "$dir/mawk" ]; then rm -f "$dir/mawk"; fi
	logged "$dir/make.log" make -C "$dir" -j"$(nproc)" mawk
}

build_mawk() {
	unpack mawk
	mawk_flavor wasm --host=wasm32-linux-muslwali --build="$(gcc -dumpmachine)" "CC=$wali_cc" &
	local wasm_job=$!
	mawk_flavor native CC=gcc &
	local native_job=$!
	local failed=0
	wait $wasm_job || failed=1
	wait $native_job || failed=1
	[ $failed = 0 ] || die "building mawk failed"
	publish "$apps/mawk/wasm/mawk" mawk.wasm
	publish "$apps/mawk/native/mawk" mawk
}
