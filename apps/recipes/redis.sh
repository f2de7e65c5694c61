# Redis's server, command-line client and benchmark (source package redis),
# sourced by apps/build.sh.

# Redis's own documented build options (README.md, "Allocator" and
# "Building Redis"), the same for both builds: the C library's malloc
# (Debian links the system jemalloc, which the WALI sysroot does not have),
# no TLS (Debian's BUILD_TLS=yes needs OpenSSL) and no systemd notification.
# Lua, hiredis, linenoise and hdr_histogram are the bundled copies in deps/,
# as in Debian's build.
redis_make_args=(MALLOC=libc BUILD_TLS=no USE_SYSTEMD=no)
redis_programs=(redis-server redis-cli redis-benchmark)

# Builds the programs in build/apps/redis/FLAVOR, a copy of the unpacked
# tree: Redis's Makefiles build inside the source tree (src/, deps/*), and
# its test suite (./runtest) runs the programs from src/ of the tree it is
# in. Extra make arguments (the compiler and archiver) follow FLAVOR.
redis_flavor() {
	local flavor=$1 tree=$apps/redis/$1
	shift
	local args=("${redis_make_args[@]}" "$@") key
	key=$(printf '%s\n' "$(cat "$apps/src/redis/.unpacked-from")" "${args[@]}" | sha256sum)
	if [ "$(cat "$tree/.copied-with" 2>/dev/null)" != "$key" ]; then
		rm -rf "$tree"
		mkdir -p "$apps/redis"
		cp -a "$apps/src/redis" "$tree"
		echo "$key" > "$tree/.copied-with"
	fi
	# Redis's Makefile knows its own sources (dependency files without
	# system headers) and rebuilds when its flags change, but knows nothing
	# of the C library: a newer sysroot means everything is compiled again.
	if [ "$flavor" = wasm ] && [ -e "$tree/src/server.o" ] &&
		[ -n "$(find "$sysroot/include" "$sysroot/lib/libc.a" -newer "$tree/src/server.o" -print -quit)" ]; then
		logged "$tree/clean.log" make -C "$tree/src" distclean
	fi
	# src/mkreleasehdr.sh puts the git commit and the build time into
	# release.h (INFO, --version) and recompiles release.c when they change.
	# Debian builds outside any git repository, with SOURCE_DATE_EPOCH from
	# debian/changelog; so does this, rather than letting git find Lamina's
	# repository above build/apps (whose every commit would relink Redis).
	local epoch
	epoch=$(dpkg-parsechangelog -l "$tree/debian/changelog" -STimestamp)
	logged "$tree/make.log" env GIT_CEILING_DIRECTORIES="$apps" SOURCE_DATE_EPOCH="$epoch" \
		make -C "$tree/src" -j"$(nproc)" "${args[@]}" "${redis_programs[@]}"
}

build_redis() {
	unpack redis
	# The cross tools as make variables: deps/Makefile defines AR so that
	# "cross-compilation environments, which typically set AR" can override
	# it (its comment), and passes it to Lua's Makefile; hiredis and
	# hdr_histogram use AR too, and Lua's Makefile runs RANLIB. Variables
	# given on make's command line reach these sub-makes.
	redis_flavor wasm "CC=$wali_cc" AR=llvm-ar-22 RANLIB=llvm-ranlib-22
	redis_flavor native CC=gcc
	local program
	for program in "${redis_programs[@]}"; do
		publish "$apps/redis/wasm/src/$program" "$program.wasm"
		publish "$apps/redis/native/src/$program" "$program"
	done
}
