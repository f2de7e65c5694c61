/* Memory-management constants and helpers for the mm guests (mm_*, hostile_mm).
 * Values are x86-64 Linux's. */
#pragma once
#include "lt.h"

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define PROT_RW (PROT_READ | PROT_WRITE)
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x100
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_ANON_PRIVATE (MAP_PRIVATE | MAP_ANONYMOUS)

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_DONTFORK 10
#define MADV_WIPEONFORK 18
#define MADV_HWPOISON 100

#define MLOCK_ONFAULT 1
#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MCL_ONFAULT 4

#define EOVERFLOW 75
#define ENODEV 19

#define PAGE 4096ul

/* mmap's result as a pointer (the caller checked it is not an error). */
static inline char *lt_ptr(long r) { return (char *)(unsigned long)r; }
/* Whether a result is an error (-4095..-1), as libc decides. */
static inline int lt_failed(long r) { return (unsigned long)r > -4096ul; }

static inline long lt_map_anon(void *hint, unsigned long len, int prot, int extra) {
    return wali_mmap(hint, (unsigned)len, prot, MAP_ANON_PRIVATE | extra, -1, 0);
}

/* Fills `len` bytes at p with a pattern derived from `seed`. */
static inline void lt_fill(char *p, unsigned long len, unsigned seed) {
    for (unsigned long i = 0; i < len; i++) p[i] = (char)(seed + i * 7 + (i >> 12));
}
/* Whether `len` bytes at p still hold the pattern lt_fill wrote. */
static inline int lt_holds(const char *p, unsigned long len, unsigned seed) {
    for (unsigned long i = 0; i < len; i++)
        if (p[i] != (char)(seed + i * 7 + (i >> 12))) return 0;
    return 1;
}
static inline int lt_all_zero(const char *p, unsigned long len) {
    for (unsigned long i = 0; i < len; i++)
        if (p[i]) return 0;
    return 1;
}

#ifdef __wasm__
/* First address past the guest's linear memory. */
static inline unsigned long lt_mm_end(void) { return __builtin_wasm_memory_size(0) * 65536ul; }
#endif
/* Far outside the guest's memory (which is at most 2 GiB), and misaligned. */
#define LT_MM_WILD ((void *)0xfffffff0u)
/* The last page of the 32-bit address space. */
#define LT_MM_TOP ((void *)0xfffff000u)
