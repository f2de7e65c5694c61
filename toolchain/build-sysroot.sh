#!/usr/bin/env bash
# Builds the WALI sysroot: musl from Debian's source package (apt-get source
# musl), with our wasm32 port (toolchain/musl) laid over it, compiled with
# Debian's clang-22 for both C ABIs of lamina cc (docs/toolchain.md) and
# installed into build/sysroot. Incremental: the source is unpacked again only when the port's
# patches or file list change, changed port files are copied with new times,
# and musl's own Makefile rebuilds only what they touch.
#
# Usage: toolchain/build-sysroot.sh [BUILD_DIR]   (default: build)
#
# The C library's allocator is Lamina's own (src/malloc/lamina of the port,
# docs/toolchain.md); LAMINA_MALLOC=mallocng builds musl's instead, for
# comparison (best in a BUILD_DIR of its own: changing it rebuilds all).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$root/build}")
port=$root/toolchain/musl
want_version=1.2.3
downloads=$build/downloads
src=$build/musl
sysroot=$build/sysroot
jobs=$(nproc)
malloc=${LAMINA_MALLOC:-lamina}
case $malloc in
lamina | mallocng) ;;
*) echo "build-sysroot: LAMINA_MALLOC is lamina or mallocng, not '$malloc'" >&2; exit 1 ;;
esac

for tool in clang-22 llvm-ar-22 llvm-ranlib-22 dpkg-source patch; do
	command -v "$tool" >/dev/null || { echo "build-sysroot: $tool is missing (run scripts/setup.sh)" >&2; exit 1; }
done

# 1. Debian's musl source package, fetched once.
mkdir -p "$downloads"
if ! ls "$downloads"/musl_*.dsc >/dev/null 2>&1; then
	echo "build-sysroot: fetching musl with apt-get source"
	(cd "$downloads" && apt-get source --download-only musl) || {
		echo "build-sysroot: apt-get source musl failed; scripts/setup.sh enables deb-src entries" >&2
		exit 1
	}
fi
dsc=$(ls "$downloads"/musl_*.dsc | head -n1)

# 2. Unpack and patch when the port's shape changed.
key=$( { sha256sum "$dsc" "$port"/patches/*.patch; (cd "$port" && find . -type f | sort); } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$src/.lamina-key" 2>/dev/null)" != "$key" ]; then
	echo "build-sysroot: unpacking $(basename "$dsc")"
	# (The sysroot stays: programs keep building against it meanwhile.)
	rm -rf "$src"
	dpkg-source --no-check -x "$dsc" "$src" >/dev/null
	version=$(cat "$src/VERSION")
	[ "$version" = "$want_version" ] || {
		echo "build-sysroot: the port is written for musl $want_version, Debian has $version" >&2
		exit 1
	}
	for p in "$port"/patches/*.patch; do patch -s -d "$src" -p1 < "$p"; done
	echo "$key" > "$src/.lamina-key"
fi

# 3. The port's own files, copied only when they differ (so make sees what
# changed). musl's Makefile does not know which objects include an arch
# header (the syscall dispatcher, wali_syscalls.h, is in nearly all of
# them), so a changed arch header rebuilds everything.
arch_header_changed=
while read -r f; do
	if ! cmp -s "$port/$f" "$src/$f"; then
		mkdir -p "$(dirname "$src/$f")"
		cp "$port/$f" "$src/$f"
		case $f in arch/*.h) arch_header_changed=1 ;; esac
	fi
done < <(cd "$port" && find arch crt src -type f)

# 4. musl's build, configured by hand (its configure probes a host compiler),
# once per C ABI: WALI's own (64-bit long, clang's wasm32-linux-muslwali) in
# the source tree, ILP32 (32-bit long, wasm32-unknown-linux-musl) in a build
# directory of its own beside it (musl builds out of tree through a Makefile
# link). The headers are one tree for both (they tell the ABIs apart by
# __SIZEOF_LONG__); the libraries go where clang looks for each triple's,
# SYSROOT/lib/<triple>.
build_libc() { # TRIPLE DIR LIBDIR EXTRA_CFLAGS MAKE_TARGETS...
	local triple=$1 dir=$2 libdir=$3 extra=$4
	shift 4
	mkdir -p "$dir"
	[ "$dir" = "$src" ] || ln -sf "$src/Makefile" "$dir/Makefile"
	cat > "$dir/config.mak.new" <<MAK
ARCH = wasm32
SUBARCH =
ASMSUBARCH =
MALLOC_DIR = $malloc
srcdir = $src
prefix = $sysroot
exec_prefix = $sysroot
bindir = \$(exec_prefix)/bin
libdir = $libdir
includedir = \$(prefix)/include
syslibdir = \$(prefix)/lib
CC = clang-22 --target=$triple
AR = llvm-ar-22
RANLIB = llvm-ranlib-22
CFLAGS_AUTO = -O2 -pipe -fno-stack-protector -matomics -mbulk-memory -mexception-handling \$(SJLJ) $extra -Wno-shift-op-parentheses -Wno-bitwise-op-parentheses -Wno-logical-op-parentheses -Wno-string-plus-int -Wno-dangling-else -Wno-unknown-pragmas -Wno-ignored-attributes -Wno-unused-command-line-argument -Wno-macro-redefined
CFLAGS_C99FSE = -std=c99 -nostdinc -ffreestanding -fexcess-precision=standard -Wa,--noexecstack
CFLAGS_MEMOPS =
LDFLAGS_AUTO =
LIBCC =
SHARED_LIBS =
TOOL_LIBS =
ALL_TOOLS =
# setjmp/longjmp as lamina cc compiles programs (timer_create uses them); not
# for setjmp.o itself, which defines the functions that scheme calls.
SJLJ = -fwasm-exceptions -mllvm -wasm-enable-sjlj -mllvm -wasm-use-legacy-eh=false
obj/src/setjmp/wasm32/setjmp.o: SJLJ =
MAK
	# Other compiler flags make every object stale; musl's Makefile does not know.
	if [ -n "$arch_header_changed" ] || ! cmp -s "$dir/config.mak.new" "$dir/config.mak"; then
		rm -rf "$dir/obj" "$dir/lib"
		mv "$dir/config.mak.new" "$dir/config.mak"
	fi
	rm -f "$dir/config.mak.new"
	make -s -C "$dir" -j"$jobs" "$@" >/dev/null
}

# As in lamina cc (crates/lamina/src/cc/flags.rs): with 64-bit long, lround
# and lrint stay calls, as the wasm32 back end gives their intrinsics a
# 32-bit result.
no_lround_builtins="-fno-builtin-lround -fno-builtin-lroundf -fno-builtin-lroundl -fno-builtin-lrint -fno-builtin-lrintf -fno-builtin-lrintl"
build_libc wasm32-linux-muslwali "$src" "$sysroot/lib" "$no_lround_builtins" install-libs install-headers
# clang knows no protected visibility for this triple and says so for each of
# musl's protected symbols; default visibility is what a static libc gets anyway.
build_libc wasm32-unknown-linux-musl "$build/musl-ilp32" "$sysroot/lib/wasm32-unknown-linux-musl" "-Wno-unsupported-visibility" install-libs

# 5. Headers from installed Debian packages (not kept in this repository):
# the Linux UAPI headers of linux-libc-dev (linux/, asm-generic/, mtd/,
# sound/... and asm/ of x86-64, the kernel WALI passes structures through to) and libc6-dev's
# <sys/queue.h> (BSD list macros, no ABI content). How the UAPI headers are
# adapted to wasm32 is explained in toolchain/uapi/README.md: Lamina's own
# asm/ headers (toolchain/uapi/asm) replace three of x86-64's, and every
# header that chooses by __x86_64__ is moved to x86_64-uapi/ and replaced by
# a wrapper that includes it with __x86_64__ defined. Installed again only
# when a package or an own header changes, keeping the files' times, so
# that builds depending on the sysroot's headers stay up to date.
install_package_headers() {
	local uapi=$root/toolchain/uapi include=$sysroot/include
	local asm=/usr/include/x86_64-linux-gnu/asm queue=/usr/include/x86_64-linux-gnu/sys/queue.h
	local pkg
	for pkg in linux-libc-dev libc6-dev; do
		dpkg-query -W -f='${Status}' "$pkg:amd64" 2>/dev/null | grep -q "ok installed" ||
			{ echo "build-sysroot: the Debian package $pkg:amd64 is missing (run scripts/setup.sh)" >&2; exit 1; }
	done
	[ -f "$asm/unistd_64.h" ] && [ -f "$queue" ] ||
		{ echo "build-sysroot: $asm or $queue is missing" >&2; exit 1; }
	local key
	key=$( { dpkg-query -W -f='${Package} ${Version}\n' linux-libc-dev:amd64 libc6-dev:amd64
		(cd "$uapi" && sha256sum asm/*.h); sha256sum < "$0"; } | sha256sum | cut -d' ' -f1)
	[ "$(cat "$include/.lamina-package-headers" 2>/dev/null)" != "$key" ] || return 0
	echo "build-sysroot: installing linux-libc-dev's UAPI headers and libc6-dev's sys/queue.h"
	# linux/, asm-generic/ and the other directories of linux-libc-dev
	# (mtd/, sound/, rdma/...), except its multiarch one, whose asm/ is ours.
	local dirs=() dir
	for dir in $(dpkg -L linux-libc-dev:amd64 | sed -n 's|^/usr/include/\([^/]*\)$|\1|p' | sort); do
		[ -d "/usr/include/$dir" ] && [ "$dir" != x86_64-linux-gnu ] && dirs+=("$dir")
	done
	(cd "$include" && rm -rf "${dirs[@]}" asm x86_64-uapi)
	(cd /usr/include && cp -a "${dirs[@]}" "$include/")
	cp -a "$asm" "$include/asm"
	cp -p "$uapi"/asm/*.h "$include/asm/"
	dirs+=(asm)
	local original rel guard
	(cd "$include" && grep -rlE '^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif).*__x86_64__' "${dirs[@]}") |
		sort | while read -r rel; do
		original=$include/$rel
		guard=_LAMINA_X86_64_$(echo "$rel" | tr -c 'A-Za-z0-9\n' _ | tr a-z A-Z)
		mkdir -p "$include/x86_64-uapi/$(dirname "$rel")"
		mv "$original" "$include/x86_64-uapi/$rel"
		cat > "$original" <<WRAPPER
/* Made by toolchain/build-sysroot.sh: x86-64's $rel (x86_64-uapi/$rel)
 * chooses by __x86_64__, undefined on wasm32. WALI's kernel is x86-64, so it
 * is read as on x86-64: -mabi=wali gets x86-64's choice, -mabi=ilp32
 * (__ILP32__) x32's, the 64-bit kernel's for a 32-bit long. */
#ifndef $guard
#define $guard
#ifdef __x86_64__
#include <x86_64-uapi/$rel>
#else
#define __x86_64__ 1
#include <x86_64-uapi/$rel>
#undef __x86_64__
#endif
#endif
WRAPPER
	done
	cp -p "$queue" "$include/sys/queue.h"
	echo "$key" > "$include/.lamina-package-headers"
}
install_package_headers

# clang looks for a target's libraries in lib/<triple> of the sysroot.
mkdir -p "$sysroot/lib/wasm32-linux-muslwali"
for f in "$sysroot"/lib/*.a "$sysroot"/lib/*.o; do
	ln -sf "../$(basename "$f")" "$sysroot/lib/wasm32-linux-muslwali/$(basename "$f")"
done
echo "build-sysroot: $sysroot"
