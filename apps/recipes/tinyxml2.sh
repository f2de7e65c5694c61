# tinyxml2 (source package tinyxml2), a C++ library, with its test program
# xmltest, sourced by apps/build.sh.

# Built with tinyxml2's CMake build, as Debian's, and the WALI build through
# the toolchain's CMake file (toolchain/cmake/wali-toolchain.cmake, with
# lamina-cc and lamina-c++ beside each other: build/bin unless LAMINA_CC names
# another lamina-cc). Static (BUILD_SHARED_LIBS=OFF: a WALI program has no
# shared libraries), with the test program, in a build directory per flavour.
# xmltest reads resources/*.xml and writes resources/out/ in the directory it
# runs in (crates/lamina/tests/app_tinyxml2.rs runs it in copies).
tinyxml2_flavor() {
	local flavor=$1 dir=$apps/tinyxml2/$1
	shift
	configure_once tinyxml2 "$dir" cmake.log cmake -S "$apps/src/tinyxml2" -B "$dir" \
		-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -Dtinyxml2_BUILD_TESTING=ON "$@"
	# CMake's build knows the project's files but not the C and C++ libraries.
	if [ "$flavor" = wasm ] && { [ "$sysroot/lib/libc.a" -nt "$dir/xmltest.wasm" ] ||
		[ "$sysroot/lib/libc++.a" -nt "$dir/xmltest.wasm" ]; }; then
		rm -f "$dir/xmltest.wasm"
	fi
	logged "$dir/build.log" cmake --build "$dir" -j"$(nproc)"
}

build_tinyxml2() {
	unpack tinyxml2
	local lamina_cc=${LAMINA_CC:-$build/bin/lamina-cc}
	[ -x "$lamina_cc" ] || die "tinyxml2 builds with lamina-cc and lamina-c++ (toolchain/install-bin.sh)"
	LAMINA_CC=$lamina_cc tinyxml2_flavor wasm -DCMAKE_TOOLCHAIN_FILE="$root/toolchain/cmake/wali-toolchain.cmake"
	tinyxml2_flavor native -DCMAKE_CXX_COMPILER=g++
	publish "$apps/tinyxml2/wasm/xmltest.wasm" xmltest.wasm
	publish "$apps/tinyxml2/native/xmltest" xmltest
}
