/* long and off_t are 64-bit, as on LP64 systems. */
#define _POSIX_V6_LP64_OFF64  1
#define _POSIX_V7_LP64_OFF64  1
