/* Lamina's asm/statfs.h: the statfs syscalls of the x86-64 kernel fill
 * fields of __kernel_long_t (64-bit) in both C ABIs. asm-generic/statfs.h
 * would make them 32-bit for a 32-bit long (-mabi=ilp32), as for x32, whose C
 * libraries do not use this structure. */
#ifndef _LAMINA_ASM_STATFS_H
#define _LAMINA_ASM_STATFS_H
#include <asm/posix_types.h>
#define __statfs_word __kernel_long_t
#include <asm-generic/statfs.h>
#endif
