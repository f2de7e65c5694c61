# GNU make (source package make-dfsg), sourced by apps/build.sh.

# Debian's build generates configure (dh_autoreconf) and configures out of
# the source tree without Guile (--with-guile=no) and with
# ac_cv_lib_util_getloadavg=no (debian/rules); so does this recipe, with
# --disable-nls for both builds, so that both print the same English
# messages. Extra configure arguments follow FLAVOR.
make_flavor() {
	local flavor=$1 dir=$apps/make/$1
	shift
	local args=(--without-guile --disable-nls ac_cv_lib_util_getloadavg=no "$@")
	local key
	key=$(printf '%s\n' "$(cat "$apps/src/make-dfsg/.unpacked-from")" "${args[@]}" | sha256sum)
	if [ "$(cat "$dir/.configured-with" 2>/dev/null)" != "$key" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd "$dir" && logged "$dir/configure.log" "$apps/src/make-dfsg/configure" "${args[@]}")
		echo "$key" > "$dir/.configured-with"
	fi
	# make's Makefile knows its own sources but not the C library's.
	if [ "$flavor" = wasm ] && [ "$sysroot/lib/libc.a" -nt "$dir/make" ]; then rm -f "$dir/make"; fi
	logged "$dir/make.log" make -C "$dir" -j"$(nproc)"
}

build_make() {
	unpack make-dfsg
	autoreconf_once make-dfsg
	make_flavor wasm --host=wasm32-linux-muslwali --build="$(gcc -dumpmachine)" \
		"CC=$wali_cc" AR=llvm-ar-22 RANLIB=llvm-ranlib-22 &
	local wasm_job=$!
	make_flavor native CC=gcc &
	local native_job=$!
	local failed=0
	wait $wasm_job || failed=1
	wait $native_job || failed=1
	[ $failed = 0 ] || die "building make-dfsg failed"
	publish "$apps/make/wasm/make" make.wasm
	publish "$apps/make/native/make" make
}
