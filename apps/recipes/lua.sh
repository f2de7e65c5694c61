# Lua 5.4's interpreter (source package lua5.4), sourced by apps/build.sh.

build_lua() {
	unpack lua5.4
	local src=$apps/src/lua5.4/src source
	# dpkg-source keeps the tarball's file times: a new source must be noted.
	source=$(cat "$apps/src/lua5.4/.unpacked-from")
	record "$apps/lua/wasm/inputs" "$source $wali_cc"
	record "$apps/lua/native/inputs" "$source gcc"
	# Lua's own linux-noreadline target, but with the compiler driven by
	# apps/lua.mk: Debian's src/Makefile builds through libtool and also
	# builds a C++ library and luac, none of which the interpreter needs.
	logged "$apps/lua-wasm.log" make -f "$root/apps/recipes/lua.mk" -j"$(nproc)" \
		SRC="$src" OUT="$apps/lua/wasm" CC="$wali_cc" EXE=lua.wasm \
		MULTIARCH=wasm32-linux-muslwali LIBC="$sysroot/lib/libc.a"
	logged "$apps/lua-native.log" make -f "$root/apps/recipes/lua.mk" -j"$(nproc)" \
		SRC="$src" OUT="$apps/lua/native" CC=gcc EXE=lua \
		MULTIARCH="$(gcc -print-multiarch)" LDFLAGS=-Wl,-E LIBC=
	publish "$apps/lua/wasm/lua.wasm" lua.wasm
	publish "$apps/lua/native/lua" lua
}
