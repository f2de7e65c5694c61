#include <string.h>
#include <stdint.h>

/* musl's memcmp compares a byte at a time, which made it 6% of SQLite's
 * speedtest1 under Lamina (glibc's vector version is about as large a share
 * natively, at a fraction of the time). Wasm loads need no alignment, so
 * eight bytes are compared at once; in the first word that differs, the
 * lowest differing byte (this target is little-endian) gives the same
 * result as the byte loop. */
int memcmp(const void *vl, const void *vr, size_t n)
{
	const unsigned char *l = vl, *r = vr;
	for (; n >= 8; n -= 8, l += 8, r += 8) {
		uint64_t a, b;
		__builtin_memcpy(&a, l, 8);
		__builtin_memcpy(&b, r, 8);
		if (a != b) {
			int shift = __builtin_ctzll(a ^ b) & ~7;
			return (int)((a >> shift) & 0xff) - (int)((b >> shift) & 0xff);
		}
	}
	for (; n && *l == *r; n--, l++, r++);
	return n ? *l - *r : 0;
}
