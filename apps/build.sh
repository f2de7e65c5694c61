#!/usr/bin/env bash
# Builds real applications from Debian's source packages twice, with the WALI
# toolchain (lamina cc) and natively with gcc, the same way both times, so
# that tests can compare them. Each application's recipe, apps/recipes/NAME.sh,
# defines build_NAME with the helpers below (lua, sqlite, ...).
# Results: build/apps/bin/PROGRAM.wasm and build/apps/bin/PROGRAM.
#
# Incremental: sources are fetched and unpacked once (again when the .dsc
# changes), configure runs again only when its arguments change, and make
# rebuilds only what is older than its inputs, the WALI C library included.
#
# Usage: apps/build.sh [NAME]...   (default: every recipe)
# Environment: LAMINA_CC, the WALI compiler command (default build/bin/lamina-cc,
# else "target/x86_64-unknown-linux-gnu/release/lamina cc"); LAMINA_CXX, the C++ one (default
# build/bin/lamina-c++, else "target/x86_64-unknown-linux-gnu/release/lamina c++").
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
	wali_cc="$root/target/x86_64-unknown-linux-gnu/release/lamina cc"
fi
if [ -n "${LAMINA_CXX:-}" ]; then
	wali_cxx=$LAMINA_CXX
elif [ -x "$build/bin/lamina-c++" ]; then
	wali_cxx=$build/bin/lamina-c++
else
	wali_cxx="$root/target/x86_64-unknown-linux-gnu/release/lamina c++"
fi

die() { echo "apps/build.sh: $*" >&2; exit 1; }

for tool in apt-get dpkg-source make gcc tclsh autoconf autoreconf llvm-ar-22 llvm-ranlib-22; do
	command -v "$tool" >/dev/null || die "$tool is missing (run scripts/setup.sh)"
done
sysroot=$($wali_cc --print-sysroot) || die "the WALI compiler '$wali_cc' does not run (cargo build --release; toolchain/build-sysroot.sh)"

mkdir -p "$downloads" "$apps/src" "$bin"
# One build at a time: tests in parallel processes share build/apps.
exec 9>"$apps/.lock"
flock 9

# Fetches Debian's source package PKG (once) and unpacks it, with Debian's
# patches applied, into build/apps/src/PKG, whose .unpacked-from then
# identifies the .dsc. With VERSION (as apt spells it, epoch included), that
# version exactly: for packages whose newest version is in the security
# archive, which the mirror may not serve.
unpack() {
	local pkg=$1 version=${2:-} dsc dir=$apps/src/$1 pattern
	pattern="${pkg}_${version:-*}"
	pattern=${pattern/_*:/_}.dsc
	# shellcheck disable=SC2086 # pattern is a glob
	if ! ls "$downloads"/$pattern >/dev/null 2>&1; then
		echo "apps/build.sh: fetching $pkg${version:+ $version} with apt-get source" >&2
		(cd "$downloads" && apt-get source --download-only "$pkg${version:+=$version}" >&2) ||
			die "apt-get source $pkg failed (scripts/setup.sh enables deb-src entries)"
	fi
	# shellcheck disable=SC2086
	dsc=$(ls "$downloads"/$pattern | sort -V | tail -n1)
	if [ "$(cat "$dir/.unpacked-from" 2>/dev/null)" != "$(sha256sum < "$dsc")" ]; then
		echo "apps/build.sh: unpacking $(basename "$dsc")" >&2
		rm -rf "$dir"
		dpkg-source --no-check -x "$dsc" "$dir" >/dev/null
		sha256sum < "$dsc" > "$dir/.unpacked-from"
	fi
}

# Generates the configure script of an unpacked source that has none, as
# Debian's build does (dh_autoreconf), once per unpacked source.
autoreconf_once() {
	local dir=$apps/src/$1
	if [ "$(cat "$dir/.autoreconf-of" 2>/dev/null)" != "$(cat "$dir/.unpacked-from")" ]; then
		(cd "$dir" && logged "$apps/$1-autoreconf.log" autoreconf -fi)
		cp "$dir/.unpacked-from" "$dir/.autoreconf-of"
	fi
}

# Runs COMMAND (a configure step, in DIR, emptied first, its output in
# DIR/LOG) again when the unpacked source of APP or the command changed since
# it last ran there.
configure_once() { # APP DIR LOG COMMAND...
	local app=$1 dir=$2 log=$3
	shift 3
	local key
	key=$(printf '%s\n' "$(cat "$apps/src/$app/.unpacked-from")" "$@" | sha256sum)
	[ "$(cat "$dir/.configured-with" 2>/dev/null)" != "$key" ] || return 0
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && logged "$dir/$log" "$@")
	echo "$key" > "$dir/.configured-with"
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

# Every application: a recipe apps/recipes/NAME.sh defines build_NAME.
all=()
for recipe in "$root"/apps/recipes/*.sh; do
	all+=("$(basename "$recipe" .sh)")
done

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for target in "${targets[@]}"; do
	[ -e "$root/apps/recipes/$target.sh" ] || die "unknown application '$target' (${all[*]})"
	# shellcheck source=/dev/null
	source "$root/apps/recipes/$target.sh"
	"build_$target"
done
