#if __SIZEOF_LONG__ == 8
/* long and off_t are 64-bit, as on LP64 systems. */
#define _POSIX_V6_LP64_OFF64  1
#define _POSIX_V7_LP64_OFF64  1
#else
/* int, long and pointers are 32-bit, off_t is 64-bit. */
#define _POSIX_V6_ILP32_OFFBIG  1
#define _POSIX_V7_ILP32_OFFBIG  1
#endif
