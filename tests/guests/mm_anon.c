/* Anonymous memory: mmap/munmap/mremap contents and placement (mremap of
 * neighbours the kernel merges), brk, locking (mlock, mlock2, mlockall),
 * residency (mincore), and the return values of mprotect, madvise and msync. Prints facts, never
 * addresses: the same lines natively and under Lamina. */
#include "lt_mm.h"

/* Runs first, before any mapping exists above the break. */
static void program_break(void) {
    long cur = wali_brk(NULL);
    expect_true("brk(0) is an address", cur > 0 && !lt_failed(cur));
    expect_eq("brk(0) again", wali_brk(NULL), cur);
    expect_eq("brk below the start keeps the break", wali_brk((void *)1), cur);
    long want = cur + 2 * PAGE;
    expect_eq("brk grows", wali_brk(lt_ptr(want)), want);
    char *heap = lt_ptr(cur);
    expect_true("new break memory is zero", lt_all_zero(heap, 2 * PAGE));
    lt_fill(heap, 2 * PAGE, 3);
    expect_true("break memory holds data", lt_holds(heap, 2 * PAGE, 3));
    expect_eq("brk to an unaligned address", wali_brk(lt_ptr(want + 100)), want + 100);
    expect_eq("brk reports the unaligned break", wali_brk(NULL), want + 100);
    expect_eq("brk shrinks", wali_brk(lt_ptr(cur)), cur);
    expect_eq("released break pages are unmapped", wali_mprotect(heap, PAGE, PROT_READ), -ENOMEM);
}

static void basics(void) {
    long r = lt_map_anon(NULL, 3 * PAGE, PROT_RW, 0);
    expect_true("mmap anonymous", !lt_failed(r));
    expect_true("mapping is page aligned", (r & (PAGE - 1)) == 0);
    char *p = lt_ptr(r);
    expect_true("anonymous memory is zero", lt_all_zero(p, 3 * PAGE));
    for (int i = 0; i < 3; i++) lt_fill(p + i * PAGE, PAGE, 10 + i);
    expect_true("mapping holds data", lt_holds(p + PAGE, PAGE, 11));

    long q = lt_map_anon(NULL, 5000, PROT_RW, 0);
    expect_true("odd length mapped", !lt_failed(q));
    lt_ptr(q)[2 * PAGE - 1] = 1;
    expect_eq("whole last page usable, munmap odd length", wali_munmap(lt_ptr(q), 5000), 0);
    expect_eq("unmapped pages are gone", wali_mprotect(lt_ptr(q), PAGE, PROT_READ), -ENOMEM);

    expect_eq("munmap middle page", wali_munmap(p + PAGE, PAGE), 0);
    expect_eq("hole is unmapped", wali_mprotect(p + PAGE, PAGE, PROT_RW), -ENOMEM);
    expect_true("page before the hole intact", lt_holds(p, PAGE, 10));
    expect_true("page after the hole intact", lt_holds(p + 2 * PAGE, PAGE, 12));
    expect_eq("mprotect across the hole", wali_mprotect(p, 3 * PAGE, PROT_RW), -ENOMEM);
    expect_eq("madvise across the hole", wali_madvise(p, 3 * PAGE, MADV_WILLNEED), -ENOMEM);
    expect_eq("msync across the hole", wali_msync(p, 3 * PAGE, MS_SYNC), -ENOMEM);
    expect_eq("mapping into the hole by hint", lt_map_anon(p + PAGE, PAGE, PROT_RW, 0), (long)(p + PAGE));
    expect_true("refilled hole is zero", lt_all_zero(p + PAGE, PAGE));
    expect_eq("munmap the lot", wali_munmap(p, 3 * PAGE), 0);
    expect_eq("munmap unmapped range again", wali_munmap(p, 3 * PAGE), 0);
}

static void placement(void) {
    long r = lt_map_anon(NULL, 16 * PAGE, PROT_NONE, 0);
    expect_true("reserve 16 pages", !lt_failed(r));
    char *base = lt_ptr(r);
    expect_eq("MAP_FIXED lands where asked", lt_map_anon(base + 4 * PAGE, 2 * PAGE, PROT_RW, MAP_FIXED),
              (long)(base + 4 * PAGE));
    expect_true("fixed mapping is zero", lt_all_zero(base + 4 * PAGE, 2 * PAGE));
    lt_fill(base + 4 * PAGE, 2 * PAGE, 5);
    expect_eq("NOREPLACE over a mapping", lt_map_anon(base + 5 * PAGE, 2 * PAGE, PROT_RW, MAP_FIXED_NOREPLACE), -EEXIST);
    expect_true("NOREPLACE changed nothing", lt_holds(base + 4 * PAGE, 2 * PAGE, 5));
    expect_eq("MAP_FIXED misaligned", lt_map_anon(base + 4 * PAGE + 1, PAGE, PROT_RW, MAP_FIXED), -EINVAL);
    expect_eq("MAP_FIXED over part of a mapping", lt_map_anon(base + 5 * PAGE, PAGE, PROT_RW, MAP_FIXED),
              (long)(base + 5 * PAGE));
    expect_true("replaced page is zero", lt_all_zero(base + 5 * PAGE, PAGE));
    expect_true("neighbour page kept", lt_holds(base + 4 * PAGE, PAGE, 5));
    expect_eq("free the top half", wali_munmap(base + 8 * PAGE, 8 * PAGE), 0);
    expect_eq("hint honoured when free", lt_map_anon(base + 10 * PAGE, PAGE, PROT_RW, 0), (long)(base + 10 * PAGE));
    expect_eq("NOREPLACE into free space", lt_map_anon(base + 12 * PAGE, 2 * PAGE, PROT_RW, MAP_FIXED_NOREPLACE),
              (long)(base + 12 * PAGE));
    long m = lt_map_anon(base + 4 * PAGE, PAGE, PROT_RW, 0);
    expect_true("taken hint: placed elsewhere", !lt_failed(m) && m != (long)(base + 4 * PAGE));
    expect_eq("unmap elsewhere", wali_munmap(lt_ptr(m), PAGE), 0);
    long s = wali_mmap(NULL, PAGE, PROT_RW, MAP_ANON_PRIVATE | MAP_STACK | MAP_NORESERVE | MAP_POPULATE, -1, 0);
    expect_true("harmless flags accepted", !lt_failed(s));
    expect_true("populated memory is zero", lt_all_zero(lt_ptr(s), PAGE));
    expect_eq("unmap it", wali_munmap(lt_ptr(s), PAGE), 0);
    long x = wali_mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_ANON_PRIVATE, -1, 0);
    expect_true("PROT_EXEC accepted", !lt_failed(x) && lt_all_zero(lt_ptr(x), PAGE));
    expect_eq("unmap exec", wali_munmap(lt_ptr(x), PAGE), 0);
    expect_eq("munmap the reservation", wali_munmap(base, 16 * PAGE), 0);
}

static void remap(void) {
    /* A reservation keeps every later placement (ours or the kernel's) out of
     * the pages the fixed moves below use. */
    long r = lt_map_anon(NULL, 16 * PAGE, PROT_NONE, 0);
    char *base = lt_ptr(r);
    expect_eq("free six pages", wali_munmap(base + 2 * PAGE, 6 * PAGE), 0);
    expect_eq("two pages at the start", lt_map_anon(base, 2 * PAGE, PROT_RW, MAP_FIXED), (long)base);
    lt_fill(base, 2 * PAGE, 20);
    expect_eq("grow in place", wali_mremap(base, 2 * PAGE, 6 * PAGE, 0, NULL), (long)base);
    expect_true("contents kept", lt_holds(base, 2 * PAGE, 20));
    expect_true("grown pages are zero", lt_all_zero(base + 2 * PAGE, 4 * PAGE));
    expect_eq("shrink", wali_mremap(base, 6 * PAGE, 3 * PAGE, 0, NULL), (long)base);
    expect_eq("shrunk tail is unmapped", wali_mprotect(base + 3 * PAGE, PAGE, PROT_READ), -ENOMEM);
    expect_eq("reserve the rest again", lt_map_anon(base + 3 * PAGE, 5 * PAGE, PROT_NONE, MAP_FIXED), (long)(base + 3 * PAGE));
    expect_eq("blocked growth without MREMAP_MAYMOVE", wali_mremap(base, 3 * PAGE, 5 * PAGE, 0, NULL), -ENOMEM);
    long mv = wali_mremap(base, 3 * PAGE, 5 * PAGE, MREMAP_MAYMOVE, NULL);
    expect_true("blocked growth moves", !lt_failed(mv) && mv != (long)base);
    char *m = lt_ptr(mv);
    expect_true("moved contents kept", lt_holds(m, 2 * PAGE, 20));
    expect_true("moved growth is zero", lt_all_zero(m + 3 * PAGE, 2 * PAGE));
    expect_eq("old range unmapped after the move", wali_mprotect(base, PAGE, PROT_READ), -ENOMEM);
    expect_eq("MREMAP_FIXED into chosen place", wali_mremap(m, 5 * PAGE, 5 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, base + 8 * PAGE),
              (long)(base + 8 * PAGE));
    m = base + 8 * PAGE;
    expect_true("fixed move kept contents", lt_holds(m, 2 * PAGE, 20));
    expect_eq("MREMAP_FIXED shrinking over a mapping",
              wali_mremap(m, 5 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, base + 3 * PAGE), (long)(base + 3 * PAGE));
    m = base + 3 * PAGE;
    expect_true("shrinking move kept contents", lt_holds(m, 2 * PAGE, 20));
    expect_eq("the shrunk source is gone", wali_mprotect(base + 8 * PAGE, PAGE, PROT_READ), -ENOMEM);
    long d = wali_mremap(m, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
    expect_true("MREMAP_DONTUNMAP moves", !lt_failed(d) && d != (long)m);
    expect_true("DONTUNMAP moved the contents", lt_holds(lt_ptr(d), 2 * PAGE, 20));
    expect_true("DONTUNMAP left the old range mapped, empty", lt_all_zero(m, 2 * PAGE));
    expect_eq("old range still mapped", wali_mprotect(m, 2 * PAGE, PROT_RW), 0);
    expect_eq("mremap past the end of a mapping", wali_mremap(m, 3 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, NULL), -EFAULT);
    expect_eq("punch a hole", wali_munmap(base + 14 * PAGE, PAGE), 0);
    expect_eq("mremap an unmapped range", wali_mremap(base + 14 * PAGE, PAGE, 2 * PAGE, MREMAP_MAYMOVE, NULL), -EFAULT);
    expect_eq("MREMAP_FIXED without MAYMOVE", wali_mremap(lt_ptr(d), PAGE, PAGE, MREMAP_FIXED, base), -EINVAL);
    expect_eq("DONTUNMAP with a new size", wali_mremap(lt_ptr(d), PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL), -EINVAL);
    expect_eq("new size 0", wali_mremap(lt_ptr(d), PAGE, 0, MREMAP_MAYMOVE, NULL), -EINVAL);
    expect_eq("misaligned old address", wali_mremap(lt_ptr(d) + 1, PAGE, PAGE, 0, NULL), -EINVAL);
    expect_eq("overlapping MREMAP_FIXED", wali_mremap(lt_ptr(d), 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, lt_ptr(d) + PAGE), -EINVAL);
    expect_eq("misaligned MREMAP_FIXED target", wali_mremap(lt_ptr(d), PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, base + 1), -EINVAL);
    expect_eq("unknown mremap flag", wali_mremap(lt_ptr(d), PAGE, PAGE, 8, NULL), -EINVAL);
    expect_eq("private old size 0", wali_mremap(lt_ptr(d), 0, PAGE, MREMAP_MAYMOVE, NULL), -EINVAL);
    expect_eq("same size is a no-op", wali_mremap(lt_ptr(d), 2 * PAGE, 2 * PAGE, 0, NULL), d);
    /* realloc-style growth, doubling to 16 MiB */
    long g = lt_map_anon(NULL, PAGE, PROT_RW, 0);
    lt_fill(lt_ptr(g), PAGE, 40);
    int ok = !lt_failed(g);
    for (unsigned long len = PAGE; ok && len < (16ul << 20); len *= 2) {
        g = wali_mremap(lt_ptr(g), (unsigned)len, (unsigned)(2 * len), MREMAP_MAYMOVE, NULL);
        ok = !lt_failed(g) && lt_holds(lt_ptr(g), PAGE, 40);
        if (ok) lt_ptr(g)[2 * len - 1] = 1;
    }
    expect_true("doubling mremap keeps contents", ok);
    expect_eq("unmap the grown mapping", wali_munmap(lt_ptr(g), 16u << 20), 0);
    expect_eq("unmap the rest", wali_munmap(base, 16 * PAGE), 0);
    expect_eq("unmap DONTUNMAP target", wali_munmap(lt_ptr(d), 2 * PAGE), 0);
}

/* Mappings made side by side are one to the kernel (it merges a new
 * anonymous mapping into a compatible neighbour), so mremap takes them as
 * one; a neighbour with another protection stays apart. */
static void adjacent_mappings(void) {
    long r = lt_map_anon(NULL, 16 * PAGE, PROT_NONE, 0);
    char *base = lt_ptr(r);
    expect_eq("first of two neighbours", lt_map_anon(base, 2 * PAGE, PROT_RW, MAP_FIXED), (long)base);
    lt_fill(base, 2 * PAGE, 50);
    expect_eq("second of two neighbours", lt_map_anon(base + 2 * PAGE, 2 * PAGE, PROT_RW, MAP_FIXED),
              (long)(base + 2 * PAGE));
    lt_fill(base + 2 * PAGE, 2 * PAGE, 60);
    expect_eq("room above them", wali_munmap(base + 4 * PAGE, 4 * PAGE), 0);
    expect_eq("grow both in place", wali_mremap(base, 4 * PAGE, 6 * PAGE, 0, NULL), (long)base);
    expect_true("both kept their contents", lt_holds(base, 2 * PAGE, 50) && lt_holds(base + 2 * PAGE, 2 * PAGE, 60));
    expect_true("the growth is zero", lt_all_zero(base + 4 * PAGE, 2 * PAGE));
    expect_eq("move both", wali_mremap(base, 6 * PAGE, 6 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, base + 8 * PAGE),
              (long)(base + 8 * PAGE));
    char *m = base + 8 * PAGE;
    expect_true("both moved", lt_holds(m, 2 * PAGE, 50) && lt_holds(m + 2 * PAGE, 2 * PAGE, 60));
    expect_eq("their old place is unmapped", wali_mprotect(base, PAGE, PROT_READ), -ENOMEM);
    expect_eq("a third neighbour, read-only", lt_map_anon(base + 6 * PAGE, 2 * PAGE, PROT_READ, MAP_FIXED),
              (long)(base + 6 * PAGE));
    expect_eq("mremap across protections", wali_mremap(base + 6 * PAGE, 4 * PAGE, 5 * PAGE, MREMAP_MAYMOVE, NULL),
              -EFAULT);
    expect_eq("mremap across a hole", wali_mremap(base + 4 * PAGE, 4 * PAGE, 5 * PAGE, MREMAP_MAYMOVE, NULL), -EFAULT);
    expect_eq("unmap them", wali_munmap(base, 16 * PAGE), 0);
}

/* mlock and friends lock the pages the guest names; a hole in the range is
 * ENOMEM. Pages between PROT_NONE neighbours, so that no huge page joins
 * them. */
static void locking(void) {
    /* First, while no page is PROT_NONE (Lamina's mlockall does not yet
     * skip pages it cannot fault in, as the kernel's does). */
    expect_eq("mlockall current", wali_mlockall(MCL_CURRENT), 0);
    expect_eq("munlockall after it", wali_munlockall(), 0);
    long r = lt_map_anon(NULL, 8 * PAGE, PROT_NONE, 0);
    char *m = lt_ptr(r);
    char *p = m + 2 * PAGE;
    expect_eq("four pages to lock", lt_map_anon(p, 4 * PAGE, PROT_RW, MAP_FIXED), (long)p);
    expect_eq("mlock", wali_mlock(p + 100, PAGE), 0);
    expect_true("locked memory is zero", lt_all_zero(p, 2 * PAGE));
    expect_eq("munlock", wali_munlock(p, 2 * PAGE), 0);
    expect_eq("mlock2 on fault", wali_mlock2(p, 4 * PAGE, MLOCK_ONFAULT), 0);
    lt_fill(p, PAGE, 70);
    expect_true("locked memory holds data", lt_holds(p, PAGE, 70));
    expect_eq("munlock all four", wali_munlock(p, 4 * PAGE), 0);
    expect_eq("mlock nothing", wali_mlock(p, 0), 0);
    expect_eq("munlock nothing", wali_munlock(p, 0), 0);
    expect_eq("mlock2 unknown flag", wali_mlock2(p, PAGE, 2), -EINVAL);
    expect_eq("munlockall", wali_munlockall(), 0);
    expect_eq("mlockall no flags", wali_mlockall(0), -EINVAL);
    expect_eq("mlockall MCL_ONFAULT alone", wali_mlockall(MCL_ONFAULT), -EINVAL);
    expect_eq("mlockall unknown flag", wali_mlockall(MCL_CURRENT | 8), -EINVAL);
    expect_eq("punch a hole", wali_munmap(p + PAGE, PAGE), 0);
    expect_eq("mlock across the hole", wali_mlock(p, 3 * PAGE), -ENOMEM);
    expect_eq("munlock across the hole", wali_munlock(p, 3 * PAGE), -ENOMEM);
    expect_eq("mlock2 in the hole", wali_mlock2(p + PAGE, 1, 0), -ENOMEM);
    expect_eq("mlock up to the hole", wali_mlock(p, PAGE), 0);
    expect_eq("munlock it", wali_munlock(p, PAGE), 0);
    expect_eq("unmap the rest", wali_munmap(m, 8 * PAGE), 0);
}

/* mincore: one byte per page, bit 0 set for pages in memory. */
static void residency(void) {
    long r = lt_map_anon(NULL, 8 * PAGE, PROT_NONE, 0);
    char *m = lt_ptr(r);
    char *p = m + 2 * PAGE;
    expect_eq("four pages", lt_map_anon(p, 4 * PAGE, PROT_RW, MAP_FIXED), (long)p);
    p[0] = 1;
    p[2 * PAGE + 5] = 1;
    unsigned char vec[5] = {9, 9, 9, 9, 9};
    expect_eq("mincore", wali_mincore(p, 4 * PAGE, vec), 0);
    put("residency:");
    for (int i = 0; i < 5; i++) put(vec[i] == 9 ? " -" : (vec[i] & 1) ? " 1" : " 0");
    put("\n");
    expect_true("touched pages are in memory", (vec[0] & 1) && (vec[2] & 1));
    expect_true("untouched ones are not", !(vec[1] & 1) && !(vec[3] & 1));
    expect_eq("fifth byte untouched", vec[4], 9);
    vec[1] = 9;
    expect_eq("a length into a second page", wali_mincore(p, PAGE + 1, vec), 0);
    expect_true("two bytes written", vec[1] != 9 && vec[2] != 9);
    expect_eq("mincore of nothing", wali_mincore(p, 0, NULL), 0);
    expect_eq("mincore misaligned", wali_mincore(p + 1, PAGE, vec), -EINVAL);
    expect_eq("mincore of PROT_NONE pages", wali_mincore(m, 2 * PAGE, vec), 0);
    expect_eq("mincore NULL vector", wali_mincore(p, PAGE, NULL), -EFAULT);
    expect_eq("unmap the top", wali_munmap(m + 6 * PAGE, 2 * PAGE), 0);
    expect_eq("mincore of unmapped pages", wali_mincore(m + 6 * PAGE, PAGE, vec), -ENOMEM);
    expect_eq("mincore running into them", wali_mincore(p, 5 * PAGE, vec), -ENOMEM);
    expect_eq("unmap the rest", wali_munmap(m, 6 * PAGE), 0);
}

static void protections(void) {
    long r = lt_map_anon(NULL, 4 * PAGE, PROT_RW, 0);
    char *p = lt_ptr(r);
    lt_fill(p, 4 * PAGE, 30);
    int pipefd[2];
    expect_eq("pipe", wali_pipe(pipefd), 0);
    expect_eq("fill the pipe", wali_write(pipefd[1], "abcdefgh", 8), 8);
    char two[2];
    struct iovec *ro = (struct iovec *)(p + 2 * PAGE);
    ro->iov_base = two;
    ro->iov_len = 2;
    expect_eq("mprotect read-only", wali_mprotect(p, 4 * PAGE, PROT_READ), 0);
    expect_true("read-only memory still readable", lt_holds(p, 2 * PAGE, 30));
    expect_eq("read(2) into read-only memory", wali_read(pipefd[0], p, 4), -EFAULT);
    expect_eq("write(2) from read-only memory", wali_write(pipefd[1], p, 4), 4);
    expect_eq("mprotect PROT_NONE", wali_mprotect(p + PAGE, PAGE, PROT_NONE), 0);
    expect_eq("write(2) from PROT_NONE", wali_write(pipefd[1], p + PAGE, 4), -EFAULT);
    expect_eq("readv with its iovec array in PROT_NONE", wali_readv(pipefd[0], (struct iovec *)(p + PAGE), 1), -EFAULT);
    expect_eq("readv with its iovec array in read-only memory", wali_readv(pipefd[0], ro, 1), 2);
    expect_true("readv read the first bytes", two[0] == 'a' && two[1] == 'b');
    expect_eq("mprotect back", wali_mprotect(p, 4 * PAGE, PROT_RW), 0);
    expect_true("contents survived", lt_holds(p, 2 * PAGE, 30) && lt_holds(p + 3 * PAGE, PAGE, 30 + 3 * PAGE * 7 + 3));
    char buf[4];
    expect_eq("pipe data intact", wali_read(pipefd[0], buf, 4), 4);
    expect_true("pipe data in order", buf[0] == 'c' && buf[3] == 'f');
    expect_eq("mprotect misaligned", wali_mprotect(p + 1, PAGE, PROT_READ), -EINVAL);
    expect_eq("mprotect zero length", wali_mprotect(p, 0, PROT_READ), 0);
    expect_eq("mprotect zero length misaligned", wali_mprotect(p + 1, 0, PROT_READ), -EINVAL);
    expect_eq("mprotect unknown prot", wali_mprotect(p, PAGE, 0x40), -EINVAL);
    expect_eq("mprotect GROWSDOWN and GROWSUP", wali_mprotect(p, PAGE, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP), -EINVAL);
    expect_eq("mprotect GROWSDOWN on a plain mapping", wali_mprotect(p, PAGE, PROT_READ | PROT_GROWSDOWN), -EINVAL);
    expect_eq("mprotect PROT_EXEC", wali_mprotect(p, PAGE, PROT_READ | PROT_EXEC), 0);
    expect_eq("mprotect PROT_WRITE alone", wali_mprotect(p, PAGE, PROT_WRITE), 0);
    p[0] = 7;
    expect_eq("write-only memory is readable", p[0], 7);
    expect_eq("mprotect back again", wali_mprotect(p, PAGE, PROT_RW), 0);

    expect_eq("madvise DONTNEED", wali_madvise(p, 2 * PAGE, MADV_DONTNEED), 0);
    expect_true("DONTNEED zeroes anonymous memory", lt_all_zero(p, 2 * PAGE));
    expect_true("pages after the range keep data", lt_holds(p + 3 * PAGE, PAGE, 30 + 3 * PAGE * 7 + 3));
    expect_eq("madvise NORMAL", wali_madvise(p, 4 * PAGE, MADV_NORMAL), 0);
    expect_eq("madvise RANDOM", wali_madvise(p, 4 * PAGE, MADV_RANDOM), 0);
    expect_eq("madvise SEQUENTIAL", wali_madvise(p, 4 * PAGE, MADV_SEQUENTIAL), 0);
    expect_eq("madvise WILLNEED", wali_madvise(p, 4 * PAGE, MADV_WILLNEED), 0);
    expect_eq("madvise FREE", wali_madvise(p + 3 * PAGE, PAGE, MADV_FREE), 0);
    expect_eq("madvise WIPEONFORK", wali_madvise(p, PAGE, MADV_WIPEONFORK), 0);
    expect_eq("madvise unknown advice", wali_madvise(p, PAGE, 12345), -EINVAL);
    expect_eq("madvise misaligned", wali_madvise(p + 1, PAGE, MADV_NORMAL), -EINVAL);
    expect_eq("madvise zero length", wali_madvise(p, 0, MADV_NORMAL), 0);
    expect_eq("madvise odd length", wali_madvise(p, 100, MADV_NORMAL), 0);

    expect_eq("msync anonymous", wali_msync(p, 4 * PAGE, MS_SYNC), 0);
    expect_eq("msync MS_ASYNC", wali_msync(p, 4 * PAGE, MS_ASYNC), 0);
    expect_eq("msync MS_INVALIDATE", wali_msync(p, 4 * PAGE, MS_INVALIDATE), 0);
    expect_eq("msync ASYNC and SYNC", wali_msync(p, PAGE, MS_ASYNC | MS_SYNC), -EINVAL);
    expect_eq("msync misaligned", wali_msync(p + 1, PAGE, MS_SYNC), -EINVAL);
    expect_eq("msync unknown flag", wali_msync(p, PAGE, 8), -EINVAL);
    expect_eq("msync zero length", wali_msync(p, 0, MS_SYNC), 0);

    expect_eq("munmap", wali_munmap(p, 4 * PAGE), 0);
    expect_eq("madvise unmapped", wali_madvise(p, PAGE, MADV_NORMAL), -ENOMEM);
    expect_eq("msync unmapped", wali_msync(p, PAGE, MS_SYNC), -ENOMEM);
    expect_eq("msync unmapped, MS_ASYNC", wali_msync(p, PAGE, MS_ASYNC), -ENOMEM);
    expect_eq("mprotect unmapped", wali_mprotect(p, PAGE, PROT_READ), -ENOMEM);
    wali_close(pipefd[0]);
    wali_close(pipefd[1]);
}

static void reuse(void) {
    /* 3 GiB in all: more than a 2 GiB guest memory holds without reuse. */
    int ok = 1;
    for (int i = 0; i < 3072 && ok; i++) {
        long r = lt_map_anon(NULL, 1u << 20, PROT_RW, 0);
        ok = !lt_failed(r);
        if (!ok) break;
        char *p = lt_ptr(r);
        ok = p[0] == 0 && p[(1 << 20) - 1] == 0;
        p[0] = 1;
        p[(1 << 20) - 1] = 2;
        ok = ok && wali_munmap(p, 1u << 20) == 0;
    }
    expect_true("3072 map/unmap cycles of 1 MiB, always zeroed", ok);

    static long maps[64];
    ok = 1;
    for (int i = 0; i < 64; i++) {
        maps[i] = lt_map_anon(NULL, (unsigned)((i % 7 + 1) * 16 * PAGE), PROT_RW, 0);
        ok = ok && !lt_failed(maps[i]);
        if (ok) lt_fill(lt_ptr(maps[i]), PAGE, (unsigned)i);
    }
    for (int i = 0; i < 64; i += 2) ok = ok && wali_munmap(lt_ptr(maps[i]), (unsigned)((i % 7 + 1) * 16 * PAGE)) == 0;
    for (int i = 0; i < 64; i += 2) {
        maps[i] = lt_map_anon(NULL, (unsigned)((i % 5 + 1) * 8 * PAGE), PROT_RW, 0);
        ok = ok && !lt_failed(maps[i]) && lt_all_zero(lt_ptr(maps[i]), (i % 5 + 1) * 8 * PAGE);
        if (ok) lt_fill(lt_ptr(maps[i]), PAGE, (unsigned)i);
    }
    for (int i = 0; i < 64; i++) ok = ok && lt_holds(lt_ptr(maps[i]), PAGE, (unsigned)i);
    expect_true("fragmented reuse keeps every mapping intact", ok);
    for (int i = 0; i < 64; i++) {
        unsigned len = (unsigned)((i % 2 ? i % 7 + 1 : i % 5 + 1) * (i % 2 ? 16 : 8) * PAGE);
        ok = ok && wali_munmap(lt_ptr(maps[i]), len) == 0;
    }
    expect_true("unmap them all", ok);

    long big = lt_map_anon(NULL, 1u << 30, PROT_RW, MAP_NORESERVE);
    expect_true("1 GiB mapping", !lt_failed(big));
    if (!lt_failed(big)) {
        lt_ptr(big)[0] = 1;
        lt_ptr(big)[(1u << 30) - 1] = 1;
        expect_eq("unmap 1 GiB", wali_munmap(lt_ptr(big), 1u << 30), 0);
    }
    big = lt_map_anon(NULL, 3u << 29, PROT_RW, MAP_NORESERVE);
    expect_true("then 1.5 GiB reusing it", !lt_failed(big));
    if (!lt_failed(big)) expect_eq("unmap 1.5 GiB", wali_munmap(lt_ptr(big), 3u << 29), 0);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    program_break();
    basics();
    placement();
    remap();
    adjacent_mappings();
    locking();
    residency();
    protections();
    reuse();
    return lt_failures;
}
