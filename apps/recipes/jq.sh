# jq (source package jq), sourced by apps/build.sh.

# jq's source package has no configure script: Debian's build generates it
# (dh_autoreconf), and so does this recipe, once per unpacked source. jq's
# test scripts find the program next to their own directory (tests/setup:
# JQ=$JQBASEDIR/jq), so each flavour builds in its own copy of the source,
# made again when the source changes. Both builds are configured alike:
# static (--disable-shared: a WALI program has no shared libraries) and
# without Oniguruma (--without-oniguruma: Debian links the system's
# libonig, which has no WALI build here, so jq's regular-expression
# functions are left out of both), without the manual (--disable-docs,
# which needs Ruby) and without valgrind in the tests. Extra configure
# arguments follow FLAVOR.
jq_flavor() {
	local flavor=$1 dir=$apps/jq/$1
	shift
	local args=(--disable-shared --without-oniguruma --disable-docs --disable-valgrind --disable-maintainer-mode "$@")
	local source key
	source=$(cat "$apps/src/jq/.unpacked-from")
	key=$(printf '%s\n' "$source" "${args[@]}" | sha256sum)
	if [ "$(cat "$dir/.configured-with" 2>/dev/null)" != "$key" ]; then
		rm -rf "$dir"
		mkdir -p "$(dirname "$dir")"
		cp -a "$apps/src/jq" "$dir"
		(cd "$dir" && logged "$dir/configure.log" ./configure "${args[@]}")
		echo "$key" > "$dir/.configured-with"
	fi
	# jq's Makefile knows its own sources but not the C library's.
	if [ "$flavor" = wasm ] && [ "$sysroot/lib/libc.a" -nt "$dir/jq" ]; then rm -f "$dir/jq"; fi
	logged "$dir/make.log" make -C "$dir" -j"$(nproc)"
}

build_jq() {
	# The newest version (+deb12u3) is in the security archive only.
	unpack jq 1.6-2.1+deb12u2
	autoreconf_once jq
	jq_flavor wasm --host=wasm32-linux-muslwali --build="$(gcc -dumpmachine)" \
		"CC=$wali_cc" AR=llvm-ar-22 RANLIB=llvm-ranlib-22 &
	local wasm_job=$!
	jq_flavor native CC=gcc &
	local native_job=$!
	local failed=0
	wait $wasm_job || failed=1
	wait $native_job || failed=1
	[ $failed = 0 ] || die "building jq failed"
	publish "$apps/jq/wasm/jq" jq.wasm
	publish "$apps/jq/native/jq" jq
}
