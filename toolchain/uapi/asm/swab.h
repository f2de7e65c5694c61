/* Lamina's asm/swab.h: x86-64's (asm/x86_64/swab.h) swaps bytes with x86
 * instructions in inline assembly; linux/swab.h falls back to the compiler's
 * __builtin_bswap* without an architecture's, which is what this gives. */
#ifndef _LAMINA_ASM_SWAB_H
#define _LAMINA_ASM_SWAB_H
#include <asm-generic/swab.h>
#endif
