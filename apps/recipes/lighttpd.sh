# lighttpd (source package lighttpd), sourced by apps/build.sh: configured as
# Debian configures it (autoconf, debian/rules) but as the static server its
# INSTALL documents ("static build using make": LIGHTTPD_STATIC=yes
# ./configure -C --enable-static=yes, and src/plugin-static.h listing the
# modules), since a WALI program cannot dlopen modules. Modules are the ones
# src/Makefile.am's static build lists; the libraries Debian links that our
# sysroot has not are left out with lighttpd's own options (pcre2 and zlib are
# on by default; the others Debian names are off unless asked for).
lighttpd_configure_args=(-C --enable-static=yes --without-pcre2 --without-zlib)

# Configures (when needed) and makes the server in build/apps/lighttpd/FLAVOR,
# out of the source tree. Extra configure arguments follow FLAVOR.
lighttpd_flavor() {
	local flavor=$1 dir=$apps/lighttpd/$1 src=$apps/src/lighttpd
	shift
	local args=("${lighttpd_configure_args[@]}" "$@")
	local key
	key=$(printf '%s\n' "$(cat "$src/.unpacked-from")" "${args[@]}" | sha256sum)
	if [ "$(cat "$dir/.configured-with" 2>/dev/null)" != "$key" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/src"
		# PLUGIN_INIT(mod_x) for each module of the static build's sources
		# (the *_api.c files are helpers, not modules).
		sed -n '/^if LIGHTTPD_STATIC/,/^lighttpd_CPPFLAGS/p' "$src/src/Makefile.am" |
			grep -o 'mod_[a-z0-9_]*\.c' | grep -v '_api\.c$' |
			sed 's/\.c$//; s/.*/PLUGIN_INIT(&)/' > "$dir/src/plugin-static.h"
		(cd "$dir" && LIGHTTPD_STATIC=yes logged "$dir/configure.log" "$src/configure" "${args[@]}")
		echo "$key" > "$dir/.configured-with"
	fi
	# The Makefile knows lighttpd's sources and headers, not the C library.
	if [ "$flavor" = wasm ] && [ "$sysroot/lib/wasm32-unknown-linux-musl/libc.a" -nt "$dir/src/lighttpd" ]; then
		rm -f "$dir/src/lighttpd"
	fi
	logged "$dir/make.log" make -C "$dir" -j"$(nproc)"
}

build_lighttpd() {
	unpack lighttpd
	lighttpd_flavor wasm --host=wasm32-linux-muslwali --build="$(gcc -dumpmachine)" "CC=$wali_cc"
	lighttpd_flavor native CC=gcc
	publish "$apps/lighttpd/wasm/src/lighttpd" lighttpd.wasm
	publish "$apps/lighttpd/native/src/lighttpd" lighttpd
}
