/* Hostile memory management (WALI only): wild and misaligned addresses,
 * huge and wrapping lengths, mapping far more than the 2 GiB a guest can
 * have, MAP_FIXED outside the guest's space, bad descriptors, flags and
 * advice, protected memory handed to the runtime, and the guest's own
 * memory.grow. Every call gets the kernel's errno (or Lamina's documented
 * one) and the runtime survives. */
#include "lt_mm.h"

#define P PAGE
#define GIB (1ul << 30)

static char image[3 * 4096] __attribute__((aligned(4096)));

static void lengths(void) {
    expect_eq("mmap length 0", lt_map_anon(NULL, 0, PROT_RW, 0), -EINVAL);
    expect_eq("mmap length 4 GiB - 1", lt_map_anon(NULL, 0xffffffffu, PROT_RW, 0), -ENOMEM);
    expect_eq("mmap length 2 GiB", lt_map_anon(NULL, 0x80000000u, PROT_RW, 0), -ENOMEM);
    long r = lt_map_anon(NULL, 2 * P, PROT_RW, 0);
    char *p = lt_ptr(r);
    expect_true("a mapping to work with", !lt_failed(r));
    expect_eq("munmap length 0", wali_munmap(p, 0), -EINVAL);
    expect_eq("munmap wrapping length", wali_munmap((void *)0x10000, 0xffffffffu), -EINVAL);
    expect_eq("munmap past 4 GiB", wali_munmap(LT_MM_TOP, 2 * P), -EINVAL);
    expect_eq("munmap the top page (nothing there)", wali_munmap(LT_MM_TOP, P), 0);
    expect_eq("mprotect running off the memory", wali_mprotect(p, 0xffffffffu, PROT_RW), -ENOMEM);
    expect_eq("madvise running off the memory", wali_madvise(p, 0xffffffffu, MADV_NORMAL), -ENOMEM);
    expect_eq("msync running off the memory", wali_msync(p, 0xffffffffu, MS_ASYNC), -ENOMEM);
    expect_eq("mremap to 4 GiB", wali_mremap(p, 2 * P, 0xffffffffu, MREMAP_MAYMOVE, NULL), -ENOMEM);
    expect_eq("mremap old size past the mapping", wali_mremap(p, 0xfffff000u, P, 0, NULL), -EFAULT);
    expect_eq("the mapping is intact", wali_mprotect(p, 2 * P, PROT_READ), 0);
    expect_eq("unmap it", wali_munmap(p, 2 * P), 0);
}

static void wild_addresses(void) {
    expect_eq("MAP_FIXED at the top page", lt_map_anon(LT_MM_TOP, P, PROT_RW, MAP_FIXED), -ENOMEM);
    expect_eq("MAP_FIXED misaligned and wild", lt_map_anon(LT_MM_WILD, P, PROT_RW, MAP_FIXED), -ENOMEM);
    expect_eq("MAP_FIXED at 2 GiB", lt_map_anon((void *)0x80000000u, P, PROT_RW, MAP_FIXED), -ENOMEM);
    expect_eq("MAP_FIXED across 2 GiB", lt_map_anon((void *)(0x80000000u - P), 2 * P, PROT_RW, MAP_FIXED), -ENOMEM);
    expect_eq("MAP_FIXED at NULL", lt_map_anon(NULL, P, PROT_RW, MAP_FIXED), -EPERM);
    expect_eq("MAP_FIXED in low memory", lt_map_anon((void *)0x1000, P, PROT_RW, MAP_FIXED), -EPERM);
    expect_eq("MAP_FIXED_NOREPLACE in low memory", lt_map_anon((void *)0xf000, P, PROT_RW, MAP_FIXED_NOREPLACE), -EPERM);
    long h = lt_map_anon(LT_MM_TOP, P, PROT_RW, 0);
    expect_true("an unusable hint is ignored", !lt_failed(h) && h != (long)LT_MM_TOP && h != 0);
    wali_munmap(lt_ptr(h), P);
    long low = lt_map_anon((void *)0x1000, P, PROT_RW, 0);
    expect_true("a low hint never yields low memory", !lt_failed(low) && low >= 0x10000);
    wali_munmap(lt_ptr(low), P);
    expect_eq("mprotect wild", wali_mprotect(LT_MM_WILD, P, PROT_READ), -EINVAL);
    expect_eq("mprotect the top page", wali_mprotect(LT_MM_TOP, P, PROT_READ), -ENOMEM);
    expect_eq("mprotect NULL", wali_mprotect(NULL, P, PROT_NONE), -ENOMEM);
    expect_eq("mprotect low memory", wali_mprotect((void *)0x1000, P, PROT_NONE), -ENOMEM);
#ifdef __wasm__
    expect_eq("mprotect just past the memory", wali_mprotect((void *)lt_mm_end(), P, PROT_READ), -ENOMEM);
    expect_eq("mprotect across the end", wali_mprotect((void *)(lt_mm_end() - P), 2 * P, PROT_RW), -ENOMEM);
#endif
    expect_eq("madvise the top page", wali_madvise(LT_MM_TOP, P, MADV_DONTNEED), -ENOMEM);
    expect_eq("madvise wild", wali_madvise(LT_MM_WILD, P, MADV_DONTNEED), -EINVAL);
    expect_eq("madvise low memory", wali_madvise(NULL, P, MADV_DONTNEED), -ENOMEM);
    expect_eq("msync the top page", wali_msync(LT_MM_TOP, P, MS_SYNC), -ENOMEM);
    expect_eq("msync wild", wali_msync(LT_MM_WILD, P, MS_SYNC), -EINVAL);
    expect_eq("mremap the top page", wali_mremap(LT_MM_TOP, P, 2 * P, MREMAP_MAYMOVE, NULL), -EFAULT);
    expect_eq("mremap wild", wali_mremap(LT_MM_WILD, P, 2 * P, MREMAP_MAYMOVE, NULL), -EINVAL);
    expect_eq("mremap NULL", wali_mremap(NULL, P, 2 * P, MREMAP_MAYMOVE, NULL), -EFAULT);
    long r = lt_map_anon(NULL, P, PROT_RW, 0);
    char *p = lt_ptr(r);
    int fixed = MREMAP_MAYMOVE | MREMAP_FIXED;
    expect_eq("mremap to past 4 GiB", wali_mremap(p, P, 2 * P, fixed, LT_MM_TOP), -EINVAL);
    expect_eq("mremap to 2 GiB", wali_mremap(p, P, P, fixed, (void *)0x80000000u), -ENOMEM);
    expect_eq("mremap to NULL", wali_mremap(p, P, P, fixed, NULL), -EPERM);
    expect_eq("mremap to wild", wali_mremap(p, P, P, fixed, LT_MM_WILD), -EINVAL);
    expect_eq("the mapping survived", wali_mprotect(p, P, PROT_RW), 0);
    wali_munmap(p, P);
    /* Far past the memory's end but inside 2 GiB: the memory grows to it. */
    long far = lt_map_anon((void *)0x40000000u, P, PROT_RW, MAP_FIXED_NOREPLACE);
    expect_eq("MAP_FIXED far beyond the end", far, 0x40000000l);
    if (!lt_failed(far)) {
        expect_true("far mapping is zero and usable", lt_all_zero(lt_ptr(far), P));
        lt_ptr(far)[P - 1] = 1;
        expect_eq("unmap it", wali_munmap(lt_ptr(far), P), 0);
    }
    /* Low memory (below 64 KiB) is never mapped: nothing to unmap there. */
    volatile int canary = 1234;
    expect_eq("munmap low memory", wali_munmap(NULL, 0x10000), 0);
    expect_eq("low memory untouched", canary, 1234);
}

static void protected_memory(void) {
    char *page = image + (P - ((unsigned long)image & (P - 1))) % P;
    expect_eq("mprotect the guest's own data read-only", wali_mprotect(page, P, PROT_READ), 0);
    int pipefd[2];
    wali_pipe(pipefd);
    wali_write(pipefd[1], "data", 4);
    expect_eq("read(2) into it", wali_read(pipefd[0], page, 4), -EFAULT);
    expect_eq("clock_gettime into it", wali_clock_gettime(CLOCK_MONOTONIC, (struct timespec *)page), -EFAULT);
    expect_eq("mprotect it PROT_NONE", wali_mprotect(page, P, PROT_NONE), 0);
    expect_eq("write(2) from it", wali_write(pipefd[1], page, 4), -EFAULT);
    expect_eq("readv with the iovec array in it", wali_readv(pipefd[0], (struct iovec *)page, 1), -EFAULT);
    expect_eq("writev with the iovec array in it", wali_writev(pipefd[1], (struct iovec *)page, 1), -EFAULT);
    expect_eq("a path in it", wali_openat(AT_FDCWD, page, O_RDONLY, 0), -EFAULT);
    expect_eq("nanosleep reading from it", wali_nanosleep((struct timespec *)page, NULL), -EFAULT);
    char *before = page - 16;
    memset(before, 'a', 16);
    expect_eq("a path running into it", wali_openat(AT_FDCWD, before, O_RDONLY, 0), -EFAULT);
    expect_eq("mprotect it back", wali_mprotect(page, P, PROT_RW), 0);
    page[0] = 'x';
    expect_eq("writable again", page[0], 'x');
    expect_eq("MAP_FIXED over the guest's data", lt_map_anon(page + P, P, PROT_RW, MAP_FIXED), (long)(page + P));
    expect_eq("NOREPLACE over the guest's data", lt_map_anon(page, P, PROT_RW, MAP_FIXED_NOREPLACE), -EEXIST);
    wali_close(pipefd[0]);
    wali_close(pipefd[1]);
}

/* Locking and residency name guest pages: beyond the memory they are
 * holes (ENOMEM), and mincore's vector must be guest memory it may write. */
static void locking_and_residency(void) {
    unsigned char vec[8];
    long r = lt_map_anon(NULL, 2 * P, PROT_RW, 0);
    char *p = lt_ptr(r);
    expect_eq("mlock wild", wali_mlock(LT_MM_WILD, P), -ENOMEM);
    expect_eq("mlock the top page", wali_mlock(LT_MM_TOP, P), -ENOMEM);
    expect_eq("mlock length wraps", wali_mlock(p, 0xffffffffu), -ENOMEM);
    expect_eq("munlock wild", wali_munlock(LT_MM_WILD, P), -ENOMEM);
    expect_eq("mlock2 wild", wali_mlock2(LT_MM_TOP, P, MLOCK_ONFAULT), -ENOMEM);
    expect_eq("mlock2 every flag", wali_mlock2(p, P, ~0), -EINVAL);
    expect_eq("mincore wild", wali_mincore(LT_MM_TOP, P, vec), -ENOMEM);
    expect_eq("mincore misaligned and wild", wali_mincore(LT_MM_WILD, P, vec), -EINVAL);
    expect_eq("mincore length wraps", wali_mincore(p, 0xfffff000u, vec), -ENOMEM);
    expect_eq("mincore vector wild", wali_mincore(p, P, LT_MM_WILD), -EFAULT);
#ifdef __wasm__
    expect_eq("mincore vector past the end", wali_mincore(p, 2 * P, (void *)(lt_mm_end() - 1)), -EFAULT);
    expect_eq("mlock past the end", wali_mlock((void *)lt_mm_end(), P), -ENOMEM);
    expect_eq("mincore past the end", wali_mincore((void *)lt_mm_end(), P, vec), -ENOMEM);
#endif
    expect_eq("mprotect the second page read-only", wali_mprotect(p + P, P, PROT_READ), 0);
    expect_eq("mincore vector read-only", wali_mincore(p, P, p + P), -EFAULT);
    expect_eq("mincore vector written in place", wali_mincore(p, 2 * P, p), 0);
    expect_eq("mlock2 all of it on fault", wali_mlock2(p, 2 * P, MLOCK_ONFAULT), 0);
    expect_eq("munlockall", wali_munlockall(), 0);
    expect_eq("munlockall with nothing locked", wali_munlockall(), 0);
    expect_eq("unmap it", wali_munmap(p, 2 * P), 0);
}

static void bad_flags(void) {
    expect_eq("no map type", wali_mmap(NULL, P, PROT_RW, MAP_ANONYMOUS, -1, 0), -EINVAL);
    expect_eq("map type 0xf", wali_mmap(NULL, P, PROT_RW, MAP_ANONYMOUS | 0xf, -1, 0), -EINVAL);
    expect_eq("MAP_HUGETLB", lt_map_anon(NULL, 2ul << 20, PROT_RW, MAP_HUGETLB), -ENOMEM);
    long g = lt_map_anon(NULL, 4 * P, PROT_RW, MAP_GROWSDOWN);
    expect_true("MAP_GROWSDOWN maps its size", !lt_failed(g));
    wali_munmap(lt_ptr(g), 4 * P);
    expect_eq("misaligned offset", wali_mmap(NULL, P, PROT_RW, MAP_ANON_PRIVATE, -1, 1), -EINVAL);
    long o = wali_mmap(NULL, 2 * P, PROT_RW, MAP_ANON_PRIVATE, -1, -4096);
    expect_true("anonymous mappings ignore a huge offset", !lt_failed(o));
    wali_munmap(lt_ptr(o), 2 * P);
    expect_eq("shared anonymous MAP_GROWSDOWN", wali_mmap(NULL, P, PROT_RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0), -EINVAL);
    expect_eq("anonymous MAP_SHARED_VALIDATE", wali_mmap(NULL, P, PROT_RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0), -EINVAL);
    expect_eq("fd -1", wali_mmap(NULL, P, PROT_READ, MAP_SHARED, -1, 0), -EBADF);
    expect_eq("fd 9999", wali_mmap(NULL, P, PROT_READ, MAP_SHARED, 9999, 0), -EBADF);
    int fd = (int)wali_dup(1);
    wali_close(fd);
    expect_eq("closed fd", wali_mmap(NULL, P, PROT_READ, MAP_PRIVATE, fd, 0), -EBADF);
    long r = lt_map_anon(NULL, P, PROT_RW, 0);
    char *p = lt_ptr(r);
    expect_eq("mprotect unknown bits", wali_mprotect(p, P, 0x1000), -EINVAL);
    expect_eq("mprotect GROWSDOWN", wali_mprotect(p, P, PROT_READ | PROT_GROWSDOWN), -EINVAL);
    expect_eq("madvise DONTFORK (refused)", wali_madvise(p, P, MADV_DONTFORK), -EINVAL);
    expect_eq("madvise HWPOISON (refused)", wali_madvise(p, P, MADV_HWPOISON), -EPERM);
    expect_eq("madvise GUARD_INSTALL (refused)", wali_madvise(p, P, 102), -EINVAL);
    expect_eq("madvise unknown", wali_madvise(p, P, 999), -EINVAL);
    expect_eq("madvise negative", wali_madvise(p, P, -1), -EINVAL);
    expect_eq("msync unknown flags", wali_msync(p, P, 0xff), -EINVAL);
    expect_eq("mremap unknown flags", wali_mremap(p, P, P, 0x80, NULL), -EINVAL);
    expect_eq("the mapping is still writable", wali_mprotect(p, P, PROT_RW), 0);
    p[0] = 1;
    wali_munmap(p, P);
    long cur = wali_brk(NULL);
    expect_eq("brk to 4 GiB - 1", wali_brk((void *)0xffffffffu), cur);
    expect_eq("brk to the top page", wali_brk(LT_MM_TOP), cur);
    expect_eq("brk to 2 GiB", wali_brk((void *)0x80000000u), cur);
    expect_eq("brk below its start", wali_brk((void *)1), cur);
}

#ifdef __wasm__
static void guest_growth(void) {
    unsigned long before = __builtin_wasm_memory_size(0);
    unsigned long old = __builtin_wasm_memory_grow(0, 2);
    expect_true("the guest grows its memory", old == before);
    char *mine = (char *)(old * 65536);
    mine[0] = 42;
    mine[2 * 65536 - 1] = 43;
    expect_eq("NOREPLACE over grown memory", lt_map_anon(mine, P, PROT_RW, MAP_FIXED_NOREPLACE), -EEXIST);
    int clear = 1;
    for (int i = 0; i < 32; i++) {
        long r = lt_map_anon(NULL, 65536, PROT_RW, 0);
        clear = clear && !lt_failed(r) && (lt_ptr(r) + 65536 <= mine || lt_ptr(r) >= mine + 2 * 65536);
    }
    expect_true("mappings never land in grown memory", clear);
    expect_eq("mprotect grown memory", wali_mprotect(mine, P, PROT_READ), 0);
    expect_eq("and back", wali_mprotect(mine, P, PROT_RW), 0);
    expect_true("grown memory intact", mine[0] == 42 && mine[2 * 65536 - 1] == 43);
}
#endif

static void exhaustion(void) {
    static long maps[16];
    int n = 0;
    long r = 0;
    while (n < 16 && !lt_failed(r = lt_map_anon(NULL, 256u << 20, PROT_RW, MAP_NORESERVE))) {
        lt_ptr(r)[0] = 1;
        maps[n++] = r;
    }
    expect_eq("mapping 4 GiB ends in ENOMEM", r, -ENOMEM);
    expect_true("fewer than 8 of 256 MiB fit in 2 GiB", n > 0 && n < 8);
    static long small[512];
    int m = 0;
    while (m < 512 && !lt_failed(r = lt_map_anon(NULL, 1u << 20, PROT_RW, 0))) small[m++] = r;
    expect_eq("then 1 MiB ones until ENOMEM", r, -ENOMEM);
    expect_true("never more than 2 GiB in all", n * 256 + m < 2048);
    expect_eq("mremap cannot grow", wali_mremap(lt_ptr(maps[0]), 256u << 20, 512u << 20, MREMAP_MAYMOVE, NULL), -ENOMEM);
    expect_eq("brk cannot grow", wali_brk((void *)(wali_brk(NULL) + P)), wali_brk(NULL));
#ifdef __wasm__
    expect_true("memory.grow at the maximum fails", __builtin_wasm_memory_grow(0, 1) == (size_t)-1 ||
                                                       lt_mm_end() <= 2 * GIB);
#endif
    int ok = 1;
    for (int i = 0; i < n; i++) ok = ok && wali_munmap(lt_ptr(maps[i]), 256u << 20) == 0;
    for (int i = 0; i < m; i++) ok = ok && wali_munmap(lt_ptr(small[i]), 1u << 20) == 0;
    expect_true("unmap everything", ok);
    r = lt_map_anon(NULL, 512u << 20, PROT_RW, MAP_NORESERVE);
    expect_true("512 MiB fit again", !lt_failed(r) && lt_ptr(r)[0] == 0);
    if (!lt_failed(r)) wali_munmap(lt_ptr(r), 512u << 20);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    lengths();
    wild_addresses();
    protected_memory();
    locking_and_residency();
    bad_flags();
#ifdef __wasm__
    guest_growth();
#endif
    exhaustion();
    expect_true("runtime survived", 1);
    return lt_failures;
}
