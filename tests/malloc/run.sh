#!/usr/bin/env bash
# Builds tests/malloc/hardening.c for both C ABIs of lamina cc and checks that
# every misuse of the heap kills the program with a signal, and that `ok`
# exits 0. With musl-gcc present, also shows what native musl (mallocng)
# does, for comparison (informative: not checked).
#
# Usage: tests/malloc/run.sh            (this tree's build/sysroot)
#        LAMINA_SYSROOT=DIR tests/malloc/run.sh   (another one, e.g. mallocng's)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
lamina=${LAMINA:-$root/target/x86_64-unknown-linux-gnu/release/lamina}
# Explicit: a lamina binary built in another tree finds that tree's sysroot.
export LAMINA_SYSROOT=${LAMINA_SYSROOT:-$root/build/sysroot}
echo "sysroot: $LAMINA_SYSROOT"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
modes="double double-after-thread-exit double-after-flush interior static stack large-double
 large-interior realloc-invalid usable-size-invalid corrupt-link"
failed=0
status_of() { # prints the exit status of a command, its output hidden
	"$@" >/dev/null 2>&1
	echo $?
}
for abi in wali ilp32; do
	"$lamina" cc -mabi=$abi -O2 -w "$root/tests/malloc/hardening.c" -o "$out/h-$abi.wasm" -lpthread || exit 1
done
if command -v musl-gcc >/dev/null; then
	musl-gcc -static -O2 -w "$root/tests/malloc/hardening.c" -o "$out/h-musl" -lpthread
fi
printf '%-28s %-8s %-8s %s\n' mode wali ilp32 native-musl
for mode in ok $modes; do
	line=$(printf '%-28s' "$mode")
	for abi in wali ilp32; do
		s=$(status_of "$lamina" run "$out/h-$abi.wasm" "$mode")
		line+=$(printf ' %-8s' "$s")
		if [ "$mode" = ok ]; then [ "$s" = 0 ] || failed=1
		else [ "$s" -gt 128 ] || failed=1; fi
	done
	[ -x "$out/h-musl" ] && line+=" $(status_of "$out/h-musl" "$mode")"
	echo "$line"
done
[ $failed = 0 ] && echo "malloc hardening: all misuses stopped" || echo "malloc hardening: FAILED"
exit $failed
