#!/usr/bin/env bash
# Builds the C++ standard library for WALI: LLVM's libc++, libc++abi and
# libunwind from Debian's llvm-toolchain-22 source package (the release of
# our clang-22), as static libraries for both C ABIs of lamina cc, with the
# flags lamina cc compiles C with (`lamina-cc --print-cflags`: Wasm
# exceptions, setjmp/longjmp, atomics, threads), against the sysroot's musl.
# Installs the headers to SYSROOT/include/c++/v1 and each ABI's libc++.a,
# libc++abi.a and libunwind.a beside its libc.a (docs/toolchain.md).
# Run after build-sysroot.sh and install-bin.sh (it uses BUILD_DIR/bin/lamina-cc).
#
# Incremental: nothing is done when the source package, this script, the
# driver's flags, toolchain/libcxx and each ABI's libc.a and headers are those
# of the last build; a changed C library, header or toolchain/libcxx only runs
# Ninja (or make) again (step 3).
#
# Usage: toolchain/build-libcxx.sh [BUILD_DIR]   (default: build)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$root/build}")
package=llvm-toolchain-22
downloads=$build/downloads
src=$build/llvm-runtimes
sysroot=$build/sysroot
lamina_cc=$build/bin/lamina-cc
jobs=$(nproc)

for tool in clang-22 clang++-22 llvm-ar-22 llvm-ranlib-22 cmake patch xz awk "$lamina_cc"; do
	command -v "$tool" >/dev/null || { echo "build-libcxx: $tool is missing (run scripts/setup.sh)" >&2; exit 1; }
done
if command -v ninja >/dev/null; then generator=Ninja; else generator="Unix Makefiles"; fi
seconds() { date +%s.%N; }
since() { awk -v start="$1" -v now="$(seconds)" 'BEGIN { printf "%.1f", now - start }'; }

# 1. Debian's source package, fetched once: its file names and SHA-256 sums as
# Debian's (signed) source index gives them, then the files. Only the
# upstream tarball and Debian's changes are needed (the .dsc describes just
# these). When the suite's pool lacks a file (this happens for the .dsc and
# the upstream tarball of updates: the same tarball is in the archive's
# main pool, as other suites carry the release), it is fetched from the
# same path in the pools of the other archives apt knows, checked against
# the index's sum.
mkdir -p "$downloads"
manifest=$downloads/$package.sha256
if [ ! -s "$manifest" ]; then
	uris=$(cd "$downloads" && apt-get source --print-uris "$package" | grep "^'") || {
		echo "build-libcxx: apt knows no source of $package; scripts/setup.sh enables deb-src entries" >&2
		exit 1
	}
	echo "$uris" | awk '{print substr($4, 8) "  " $2}' | grep -v '\.dsc$' > "$manifest.new"
	mv "$manifest.new" "$manifest"
	echo "$uris" > "$downloads/$package.uris"
fi
version=$(sed -n 's/.*_\([0-9.]*\)\.orig\.tar\.xz$/\1/p' "$manifest")
clang_version=$(clang-22 --version | sed -n 's/.*clang version \([0-9.]*\).*/\1/p')
[ "$version" = "$clang_version" ] || {
	echo "build-libcxx: Debian's $package source is $version, clang-22 is $clang_version: they must match" >&2
	exit 1
}
started=$(seconds)
fetched=
while read -r sum file; do
	[ -f "$downloads/$file" ] && continue
	uri=$(awk -v f="$file" '$2 == f {gsub("\047", "", $1); print $1}' "$downloads/$package.uris")
	candidates=("$uri")
	pool_path=${uri#*/pool/}
	pool_path=${pool_path#updates/}
	for archive in $(apt-get indextargets --format '$(REPO_URI)' 2>/dev/null | sort -u); do
		candidates+=("${archive%/}/pool/$pool_path")
	done
	echo "build-libcxx: fetching $file"
	for candidate in "${candidates[@]}"; do
		# (As root when apt's unprivileged user cannot reach the network, as
		# in some CI sandboxes: scripts/setup.sh does the same for apt-get.)
		for options in "" "-o APT::Sandbox::User=root"; do
			# shellcheck disable=SC2086 # options are words
			/usr/lib/apt/apt-helper $options download-file "$candidate" "$downloads/$file" "SHA256:$sum" \
				>/dev/null 2>&1 && break 2
			rm -f "$downloads/$file"
		done
	done
	[ -f "$downloads/$file" ] || { echo "build-libcxx: no archive apt knows has $file" >&2; exit 1; }
	fetched=1
done < "$manifest"
[ -z "$fetched" ] || echo "build-libcxx: downloaded in $(since "$started") s"
orig=$downloads/$(awk '/\.orig\.tar\.xz$/ {print $2}' "$manifest")
debian=$downloads/$(awk '/\.debian\.tar\.xz$/ {print $2}' "$manifest")

# 2. The runtimes' part of the 190 MB tarball only: the runtimes build, the
# three libraries (their tests, benchmarks and docs aside), the CMake modules
# they use, the part of LLVM's libc that libc++ compiles in (its
# floating-point parsing for std::from_chars) and compiler-rt's definition of
# the Wasm exception tag C++ throws with (below). Debian's patches are
# applied when they touch only these files and apply cleanly; for
# 22.1.8-1~deb12u1 they are
# libcxx-libatomic-only-with-gcc-rtlib.diff and libcxxabi-fix-link-builtins.diff
# (link flags of shared libraries), libcxxabi-arm-ehabi-fix.patch and
# libcxx-armhf-ftbfs.diff (ARM only), unwind-force-pthread-dl.diff (shared
# libunwind's link flags), llvm-fix-lld-linker-check.diff (CMake's linker
# detection) and link-grpc.diff (a CMake module not used here); the rest
# touch other projects or the tests.
source_key=$( { cat "$manifest"; sha256sum < "$0"; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$src/.lamina-key" 2>/dev/null)" != "$source_key" ]; then
	started=$(seconds)
	top=$(basename "$orig" .orig.tar.xz)
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$orig" -C "$src.tmp" --strip-components=1 --wildcards \
		--exclude='*/test/*' --exclude='*/benchmarks/*' --exclude='*/docs/*' \
		"$top/runtimes/*" "$top/cmake/*" "$top/llvm/cmake/*" \
		"$top/libcxx/*" "$top/libcxxabi/*" "$top/libunwind/*" \
		"$top/libc/shared/*" "$top/libc/src/__support/*" "$top/libc/hdr/*" "$top/libc/include/*" "$top/libc/config/*" \
		"$top/compiler-rt/lib/builtins/wasm/__cpp_exception.S"
	mkdir -p "$src.tmp/debian"
	tar -xJf "$debian" -C "$src.tmp" debian/patches
	applied=()
	while read -r patch _; do
		case $patch in '' | '#'*) continue ;; esac
		files=$(sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' "$src.tmp/debian/patches/$patch")
		for f in $files; do [ -f "$src.tmp/$f" ] || continue 2; done
		patch -s -p1 -d "$src.tmp" --dry-run < "$src.tmp/debian/patches/$patch" >/dev/null 2>&1 || continue
		patch -s -p1 -d "$src.tmp" < "$src.tmp/debian/patches/$patch"
		applied+=("$(basename "$patch")")
	done < "$src.tmp/debian/patches/series"
	rm -rf "$src.tmp/debian"
	echo "$source_key" > "$src.tmp/.lamina-key"
	mv "$src.tmp" "$src"
	echo "build-libcxx: extracted $(basename "$orig") in $(since "$started") s; Debian's patches applied: ${applied[*]:-none}"
fi

# 3. One CMake build per C ABI. CMake checks the compilers without linking
# (there is no C++ library to link yet), so its checks for functions of the C
# library find all of them: the one it would use wrongly,
# __cxa_thread_atexit_impl (glibc's, not musl's), is ruled out by hand. The
# flags are lamina cc's, which name the target and sysroot.

# LLVM's runtimes build for the C ABI ABI in DIR/build, installing to
# DIR/install, with the driver's compile flags CFLAGS.
configure_runtimes() { # ABI DIR CFLAGS
	local abi=$1 dir=$2 cflags=$3
	cmake -S "$src/runtimes" -B "$dir/build" -G "$generator" -Wno-dev \
		-DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX="$dir/install" \
		-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=wasm32 \
		-DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
		-DCMAKE_AR="$(command -v llvm-ar-22)" -DCMAKE_RANLIB="$(command -v llvm-ranlib-22)" \
		-DCMAKE_C_FLAGS="$cflags" -DCMAKE_CXX_FLAGS="$cflags" -DCMAKE_ASM_FLAGS="$cflags" \
		-DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
		-DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY \
		-DLLVM_ENABLE_RUNTIMES="libunwind;libcxxabi;libcxx" \
		-DLLVM_INCLUDE_TESTS=OFF -DLLVM_INCLUDE_DOCS=OFF \
		-DLIBUNWIND_ENABLE_SHARED=OFF -DLIBUNWIND_INCLUDE_TESTS=OFF -DLIBUNWIND_INCLUDE_DOCS=OFF \
		-DLIBUNWIND_ENABLE_THREADS=ON -DLIBUNWIND_USE_COMPILER_RT=OFF -DLIBUNWIND_ENABLE_ASSERTIONS=OFF \
		-DLIBUNWIND_HIDE_SYMBOLS=ON \
		-DLIBCXXABI_ENABLE_SHARED=OFF -DLIBCXXABI_INCLUDE_TESTS=OFF \
		-DLIBCXXABI_USE_LLVM_UNWINDER=ON -DLIBCXXABI_ENABLE_STATIC_UNWINDER=OFF \
		-DLIBCXXABI_ENABLE_EXCEPTIONS=ON -DLIBCXXABI_ENABLE_THREADS=ON -DLIBCXXABI_HAS_PTHREAD_API=ON \
		-DLIBCXXABI_USE_COMPILER_RT=OFF -DLIBCXXABI_ENABLE_ASSERTIONS=OFF \
		-DLIBCXXABI_HAS_CXA_THREAD_ATEXIT_IMPL=OFF \
		-DLIBCXX_ENABLE_SHARED=OFF -DLIBCXX_INCLUDE_TESTS=OFF -DLIBCXX_INCLUDE_BENCHMARKS=OFF \
		-DLIBCXX_INCLUDE_DOCS=OFF -DLIBCXX_INSTALL_MODULES=OFF \
		-DLIBCXX_CXX_ABI=libcxxabi -DLIBCXX_ENABLE_STATIC_ABI_LIBRARY=OFF \
		-DLIBCXX_HAS_MUSL_LIBC=ON -DLIBCXX_HAS_PTHREAD_API=ON \
		-DLIBCXX_ENABLE_EXCEPTIONS=ON -DLIBCXX_ENABLE_THREADS=ON -DLIBCXX_ENABLE_FILESYSTEM=ON \
		-DLIBCXX_USE_COMPILER_RT=OFF \
		> "$dir.log" 2>&1 || { echo "build-libcxx: cmake failed for $abi (log: $dir.log)" >&2; exit 1; }
}

build_runtimes() { # ABI LIBDIR
	local abi=$1 libdir=$2 dir=$build/libcxx-$1
	local cflags
	cflags=$("$lamina_cc" -mabi="$abi" --print-cflags)
	# Configured again from scratch when the source, this script or the flags
	# change; otherwise built again when the C library, its headers (C++ sees
	# some of its types otherwise than C) or toolchain/libcxx change, Ninja
	# recompiling what includes a changed header.
	local configuration key
	configuration=$( { echo "$source_key $generator"; echo "$cflags"; } | sha256sum | cut -d' ' -f1)
	key=$( { echo "$configuration"; sha256sum "$libdir/libc.a" "$root"/toolchain/libcxx/*
		(cd "$sysroot/include" && find . -path ./c++ -prune -o -type f -print | sort | xargs sha256sum); } |
		sha256sum | cut -d' ' -f1)
	if [ "$(cat "$dir/.lamina-key" 2>/dev/null)" = "$key" ] && [ -f "$libdir/libc++.a" ]; then
		return 0
	fi
	local started
	started=$(seconds)
	if [ "$(cat "$dir/.lamina-configuration" 2>/dev/null)" != "$configuration" ]; then
		rm -rf "$dir"
		configure_runtimes "$abi" "$dir" "$cflags"
		echo "$configuration" > "$dir/.lamina-configuration"
	fi
	cmake --build "$dir/build" -j "$jobs" --target install-unwind install-cxxabi install-cxx \
		>> "$dir.log" 2>&1 || { echo "build-libcxx: the $abi build failed (log: $dir.log)" >&2; exit 1; }
	# The tag of C++ exceptions, which every throw and catch names: LLVM
	# defines it in compiler-rt's builtins, but Debian's wasm32 builtins are
	# built without exception handling and have it empty. It goes into
	# libunwind.a, whose _Unwind_RaiseException throws with it.
	clang-22 $cflags -Wno-unused-command-line-argument -c "$src/compiler-rt/lib/builtins/wasm/__cpp_exception.S" \
		-o "$dir/__cpp_exception.o"
	llvm-ar-22 rs "$dir/install/lib/libunwind.a" "$dir/__cpp_exception.o"
	# What makes an exception no handler catches call std::terminate (the
	# file says how), against the headers just built (the sysroot gets them
	# only at the end).
	clang++-22 $cflags -O2 -nostdinc++ -isystem "$dir/install/include/c++/v1" \
		-c "$root/toolchain/libcxx/uncaught.cpp" -o "$dir/uncaught.o"
	llvm-ar-22 rs "$dir/install/lib/libc++abi.a" "$dir/uncaught.o"
	local lib
	for lib in libunwind.a libc++abi.a libc++.a libc++experimental.a; do
		cp "$dir/install/lib/$lib" "$libdir/$lib"
		# (clang looks for the wali ABI's libraries in lib/<triple>; build-sysroot.sh links libc's there)
		[ "$abi" != wali ] || ln -sf "../$lib" "$libdir/wasm32-linux-muslwali/$lib"
	done
	echo "$key" > "$dir/.lamina-key"
	echo "build-libcxx: built libc++ for the $abi C ABI in $(since "$started") s"
}
build_runtimes wali "$sysroot/lib"
build_runtimes ilp32 "$sysroot/lib/wasm32-unknown-linux-musl"

# 4. The headers, one tree for both ABIs: libc++'s configuration
# (__config_site) does not depend on the size of long, and clang's include
# path for C++ is the same for both (the driver's target is
# wasm32-linux-muslwali for either). libunwind's own headers are left out:
# its wasm part is the exception glue only (no _Unwind_Backtrace), and clang's
# unwind.h stays the one found.
headers=$build/libcxx-wali/install/include/c++/v1
diff -r "$headers" "$build/libcxx-ilp32/install/include/c++/v1" >/dev/null || {
	echo "build-libcxx: libc++'s headers differ between the C ABIs; they would need a tree per ABI" >&2
	exit 1
}
if ! diff -r "$headers" "$sysroot/include/c++/v1" >/dev/null 2>&1; then
	rm -rf "$sysroot/include/c++"
	mkdir -p "$sysroot/include/c++"
	cp -a "$headers" "$sysroot/include/c++/v1"
fi
echo "build-libcxx: $sysroot/include/c++/v1 and libc++.a, libc++abi.a, libunwind.a for each C ABI"
