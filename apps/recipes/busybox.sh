# BusyBox (source package busybox), sourced by apps/build.sh: upstream's
# `make defconfig`, built out of tree (O=DIR) natively and, as busybox's
# INSTALL documents for cross compilation, with CROSS_COMPILE=PREFIX- (its
# Makefile then runs PREFIX-gcc, -strip, -nm...: build/bin has them).

# Configures (when the source or the make arguments change) and makes
# busybox in build/apps/busybox/FLAVOR; the make arguments follow FLAVOR.
busybox_flavor() {
	local flavor=$1 dir=$apps/busybox/$1 src=$apps/src/busybox
	shift
	local key
	key=$(printf '%s\n' "$(cat "$src/.unpacked-from")" "$@" | sha256sum)
	if [ "$(cat "$dir/.configured-with" 2>/dev/null)" != "$key" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		logged "$dir/defconfig.log" make -C "$src" O="$dir" "$@" defconfig
		echo "$key" > "$dir/.configured-with"
	fi
	logged "$dir/make.log" make -C "$src" O="$dir" -j"$(nproc)" "$@"
}

build_busybox() {
	unpack busybox
	# Kbuild follows sources, headers and commands, not the C library the
	# link takes (lamina cc's default C ABI, ILP32).
	local unstripped=$apps/busybox/wasm/busybox_unstripped
	if [ -e "$unstripped" ] && [ "$sysroot/lib/wasm32-unknown-linux-musl/libc.a" -nt "$unstripped" ]; then
		rm -f "$unstripped"
	fi
	busybox_flavor wasm CROSS_COMPILE="$build/bin/wasm32-linux-muslwali-" CC="$wali_cc"
	busybox_flavor native
	publish "$apps/busybox/wasm/busybox" busybox.wasm
	publish "$apps/busybox/native/busybox" busybox
}
