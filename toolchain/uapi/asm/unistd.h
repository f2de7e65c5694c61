/* Lamina's asm/unistd.h: WALI's system calls are numbered as x86-64's in both
 * C ABIs. x86-64's asm/unistd.h (asm/x86_64/unistd.h) would give an __ILP32__
 * program x32's numbers (0x40000000 and up), which WALI does not have. */
#ifndef _LAMINA_ASM_UNISTD_H
#define _LAMINA_ASM_UNISTD_H
#define __X32_SYSCALL_BIT 0x40000000
#include <asm/unistd_64.h>
#endif
