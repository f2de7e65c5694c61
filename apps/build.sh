#!/usr/bin/env bash
# Builds real applications from Debian's source packages twice, with the WALI
# toolchain (lamina cc) and natively with gcc, the same way both times, so
# that tests can compare them:
#   lua     Lua 5.4's interpreter (source package lua5.4)
#   sqlite  SQLite's command-line shell (source package sqlite3)
# Results: build/apps/bin/{lua.wasm,lua,sqlite3.wasm,sqlite3}.
#
# Incremental: sources are fetched and unpacked once (again when the .dsc
# changes), configure runs again only when its arguments change, and make
# rebuilds only what is older than its inputs, the WALI C library included.
#
# Usage: apps/build.sh [lua|sqlite]...   (default: both)
# Environment: LAMINA_CC, the WALI compiler command (default build/bin/lamina-cc,
# else "target/release/lamina cc").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
downloads=$build/downloads
apps=$build/apps
bin=$apps/bin

if [ -n "${LAMINA_CC:-}" ]; then
	wali_cc=$LAMINA_CC
elif [ -x "$build/bin/lamina-cc" ]; then
	wali_cc=$build/bin/lamina-cc
else
	wali_cc="$root/target/release/lamina cc"
fi

die() { echo "apps/build.sh: $*" >&2; exit 1; }

for tool in apt-get dpkg-source make gcc tclsh llvm-ar-22 llvm-ranlib-22; do
	command -v "$tool" >/dev/null || die "$tool is missing (run scripts/setup.sh)"
done
sysroot=$($wali_cc --print-sysroot) || die "the WALI compiler '$wali_cc' does not run (cargo build --release; toolchain/build-sysroot.sh)"

mkdir -p "$downloads" "$apps/src" "$bin"
# One build at a time: tests in parallel processes share build/apps.
exec 9>"$apps/.lock"
flock 9

# Fetches Debian's source package PKG (once) and unpacks it, with Debian's
# patches applied, into build/apps/src/PKG, whose .unpacked-from then
# identifies the .dsc.
unpack() {
	local pkg=$1 dsc dir=$apps/src/$1
	if ! ls "$downloads/${pkg}_"*.dsc >/dev/null 2>&1; then
		echo "apps/build.sh: fetching $pkg with apt-get source" >&2
		(cd "$downloads" && apt-get source --download-only "$pkg" >&2) ||
			die "apt-get source $pkg failed (scripts/setup.sh enables deb-src entries)"
	fi
	dsc=$(ls "$downloads/${pkg}_"*.dsc | sort -V | tail -n1)
	if [ "$(cat "$dir/.unpacked-from" 2>/dev/null)" != "$(sha256sum < "$dsc")" ]; then
		echo "apps/build.sh: unpacking $(basename "$dsc")" >&2
		rm -rf "$dir"
		dpkg-source --no-check -x "$dsc" "$dir" >/dev/null
		sha256sum < "$dsc" > "$dir/.unpacked-from"
	fi
}

# Writes TEXT to FILE unless FILE already says it, so that FILE's time says
# when TEXT last changed: builds depend on it for what make cannot see.
record() {
	[ "$(cat "$1" 2>/dev/null)" = "$2" ] || { mkdir -p "$(dirname "$1")"; echo "$2" > "$1"; }
}

# Installs FROM as bin/NAME when it is newer.
publish() {
	if [ ! -e "$bin/$2" ] || [ "$1" -nt "$bin/$2" ]; then cp "$1" "$bin/$2"; fi
}

# Runs "$@" with its output in LOG, shown only when it fails.
logged() {
	local log=$1
	shift
	"$@" > "$log" 2>&1 || { tail -n 40 "$log" >&2; die "failed: $* (whole log: $log)"; }
}

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
	logged "$apps/lua-wasm.log" make -f "$root/apps/lua.mk" -j"$(nproc)" \
		SRC="$src" OUT="$apps/lua/wasm" CC="$wali_cc" EXE=lua.wasm \
		MULTIARCH=wasm32-linux-muslwali LIBC="$sysroot/lib/libc.a"
	logged "$apps/lua-native.log" make -f "$root/apps/lua.mk" -j"$(nproc)" \
		SRC="$src" OUT="$apps/lua/native" CC=gcc EXE=lua \
		MULTIARCH="$(gcc -print-multiarch)" LDFLAGS=-Wl,-E LIBC=
	publish "$apps/lua/wasm/lua.wasm" lua.wasm
	publish "$apps/lua/native/lua" lua
}

# SQLite as Debian configures it (debian/rules): the same configure options
# and feature macros, except that extension loading is left out, since a
# WALI program cannot dlopen; and no Tcl bindings or readline.
sqlite_configure_args=(--disable-shared --disable-tcl --disable-readline --disable-load-extension
	--enable-threadsafe --enable-json --enable-fts4 --enable-fts5)
sqlite_cflags="-O2 -fno-strict-aliasing -DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA
	-DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_RTREE=1 -DSQLITE_SOUNDEX=1
	-DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_OMIT_LOOKASIDE=1 -DSQLITE_ENABLE_DBSTAT_VTAB
	-DSQLITE_ALLOW_ROWID_IN_VIEW -DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1 -DSQLITE_ENABLE_JSON1
	-DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS3_TOKENIZER=1
	-DSQLITE_USE_URI=1 -DSQLITE_MAX_SCHEMA_RETRY=25 -DSQLITE_ENABLE_PREUPDATE_HOOK
	-DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_STMTVTAB -DSQLITE_MAX_VARIABLE_NUMBER=250000"

# Configures (when needed) and makes the shell in build/apps/sqlite/FLAVOR,
# out of the source tree. Extra configure arguments follow FLAVOR.
sqlite_flavor() {
	local flavor=$1 dir=$apps/sqlite/$1
	shift
	local args=("${sqlite_configure_args[@]}" "$@" "CFLAGS=$(echo $sqlite_cflags)" BUILD_CC=gcc)
	local key
	key=$(printf '%s\n' "$(cat "$apps/src/sqlite3/.unpacked-from")" "${args[@]}" | sha256sum)
	if [ "$(cat "$dir/.configured-with" 2>/dev/null)" != "$key" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd "$dir" && logged "$dir/configure.log" "$apps/src/sqlite3/configure" "${args[@]}")
		echo "$key" > "$dir/.configured-with"
	fi
	# SQLite's Makefile knows its own sources but not the C library's.
	if [ "$flavor" = wasm ]; then
		if [ -e "$dir/sqlite3.lo" ] && [ -n "$(find "$sysroot/include" -newer "$dir/sqlite3.lo" -print -quit)" ]; then
			rm -f "$dir/sqlite3.lo" "$dir/sqlite3"
		fi
		if [ "$sysroot/lib/libc.a" -nt "$dir/sqlite3" ]; then rm -f "$dir/sqlite3"; fi
	fi
	# CROSS_BUILDING=yes: Debian's 30-cross.patch then builds the lemon
	# parser generator with BUILD_CC, to run it here (set for both flavours,
	# as debian/rules exports it for a native build too, as "no").
	local cross=no
	[ "$flavor" = wasm ] && cross=yes
	logged "$dir/make.log" make -C "$dir" CROSS_BUILDING=$cross sqlite3
}

build_sqlite() {
	unpack sqlite3
	# The two flavours build in parallel: each is mostly one large compile.
	sqlite_flavor wasm --host=wasm32-linux-muslwali --build="$(gcc -dumpmachine)" \
		"CC=$wali_cc" AR=llvm-ar-22 RANLIB=llvm-ranlib-22 &
	local wasm_job=$!
	sqlite_flavor native CC=gcc &
	local native_job=$!
	local failed=0
	wait $wasm_job || failed=1
	wait $native_job || failed=1
	[ $failed = 0 ] || die "building sqlite3 failed"
	publish "$apps/sqlite/wasm/sqlite3" sqlite3.wasm
	publish "$apps/sqlite/native/sqlite3" sqlite3
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(lua sqlite)
for target in "${targets[@]}"; do
	case $target in
	lua) build_lua ;;
	sqlite) build_sqlite ;;
	*) die "unknown application '$target' (lua, sqlite)" ;;
	esac
done
