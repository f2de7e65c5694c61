# SQLite's command-line shell (source package sqlite3), sourced by apps/build.sh.

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
