# lzip (source package lzip), a C++ program, sourced by apps/build.sh.

# lzip's configure script is its own (not autoconf's) and builds out of tree
# (--srcdir), so each flavour is configured in a directory of its own, again
# when the source or the arguments change, with the compiler as CXX and
# otherwise lzip's defaults (-O2), as Debian's build. `make check` runs its
# test suite (testsuite/check.sh) on the lzip in that directory.
lzip_flavor() {
	local flavor=$1 dir=$apps/lzip/$1
	shift
	configure_once lzip "$dir" configure.log "$apps/src/lzip/configure" --srcdir="$apps/src/lzip" "$@"
	# lzip's Makefile knows its own sources but not the C and C++ libraries.
	if [ "$flavor" = wasm ] && { [ "$sysroot/lib/libc.a" -nt "$dir/lzip" ] || [ "$sysroot/lib/libc++.a" -nt "$dir/lzip" ]; }; then
		rm -f "$dir/lzip"
	fi
	logged "$dir/make.log" make -C "$dir" -j"$(nproc)"
}

build_lzip() {
	unpack lzip
	lzip_flavor wasm "CXX=$wali_cxx"
	lzip_flavor native CXX=g++
	publish "$apps/lzip/wasm/lzip" lzip.wasm
	publish "$apps/lzip/native/lzip" lzip
}
