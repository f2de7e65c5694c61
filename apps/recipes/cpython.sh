# CPython 3.11's interpreter (source package python3.11), sourced by apps/build.sh.

# Both builds: a static interpreter (no libpython.so) with the standard
# library's C modules built into it, since a WALI program cannot dlopen. In
# 3.11 that is done as Modules/Setup.stdlib's header says: configure writes
# Modules/Setup.stdlib, with the modules it found what they need for, under
# "*static*" when MODULE_BUILDTYPE=static (configure's default for wasm32
# hosts; given to both builds so that they agree), and Modules/Setup.local is
# made the same (a copy rather than the link the header suggests, so that its
# time tells make to run makesetup again), so that makesetup builds them in
# (setup.py then skips them). No test modules (_testcapi, ...): 3.11 cannot
# build them in (Programs/_freeze_module is linked with the built-in modules
# and _testinternalcapi needs what only the interpreter has), and a WALI
# program cannot load them either; the regression tests that use them skip
# those parts. No pip bundle. Modules whose libraries are not in the WALI sysroot
# (ssl, zlib, ...) are left out by configure there.
cpython_configure_args=(--disable-shared --disable-test-modules --without-ensurepip MODULE_BUILDTYPE=static)

# Configures (when its arguments change) and makes the interpreter in
# build/apps/cpython/FLAVOR, out of the source tree. Extra configure
# arguments follow FLAVOR.
cpython_flavor() {
	local flavor=$1 dir=$apps/cpython/$1
	shift
	local args=("${cpython_configure_args[@]}" "$@")
	local key
	key=$(printf '%s\n' "$(sha256sum < "$apps/src/python3.11/configure")" "${args[@]}" \
		"${CONFIG_SITE:+$(cat "$CONFIG_SITE")}" | sha256sum)
	if [ "$(cat "$dir/.configured-with" 2>/dev/null)" != "$key" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd "$dir" && logged "$dir/configure.log" "$apps/src/python3.11/configure" "${args[@]}")
		echo "$key" > "$dir/.configured-with"
	fi
	# CPython's Makefile knows its own sources but not the C library's: new
	# headers mean compiling everything again, a new libc.a linking again.
	if [ "$flavor" = wasm ] && [ -e "$dir/python" ]; then
		if [ -n "$(find "$sysroot/include" -newer "$dir/python" -print -quit)" ]; then
			logged "$dir/clean.log" make -C "$dir" clean
		elif [ -n "$(find "$sysroot/lib" -name 'lib*.a' -newer "$dir/python" -print -quit)" ]; then
			rm -f "$dir/python" "$dir/Programs/_testembed"
		fi
	fi
	cmp -s "$dir/Modules/Setup.stdlib" "$dir/Modules/Setup.local" ||
		cp "$dir/Modules/Setup.stdlib" "$dir/Modules/Setup.local"
	logged "$dir/make.log" make -C "$dir" -j2
}

build_cpython() {
	unpack python3.11 3.11.2-6+deb12u8
	# Debian's patches change configure.ac (sysconfigdata-name.diff: the
	# name of _sysconfigdata for a cross build, among others) but not the
	# configure script made from it; debian/rules runs autoconf after
	# patching, and so does this.
	local src=$apps/src/python3.11
	if [ "$src/configure.ac" -nt "$src/configure" ]; then
		(cd "$src" && rm -rf autom4te.cache configure && logged "$apps/cpython-autoconf.log" autoconf)
	fi
	cpython_flavor native CC=gcc
	# CPython's documented cross build: a build python of the same version
	# (the native one just built), the host triple, and a CONFIG_SITE with
	# what configure cannot probe (apps/recipes/cpython.config-site). No
	# pkg-config: there is none for the WALI sysroot, and the build
	# machine's would offer its own libraries (zlib, lzma, uuid, ...).
	CONFIG_SITE=$root/apps/recipes/cpython.config-site cpython_flavor wasm \
		--host=wasm32-linux-muslwali --build="$(gcc -dumpmachine)" \
		--with-build-python="$apps/cpython/native/python" --with-pkg-config=no \
		"CC=$wali_cc" AR=llvm-ar-22 RANLIB=llvm-ranlib-22 \
		READELF="$build/bin/wasm32-linux-muslwali-readelf"
}
