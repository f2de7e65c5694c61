/* Resource limits (`lamina run --max-memory/--max-threads/--max-cpu`, with
 * or without a sandbox): how much memory mmap, memory.grow and brk obtain
 * before failing, how many threads can be alive at once (and that a joined
 * thread frees its place), and a busy loop for the CPU limit. Prints one
 * summary line per mode; the Rust test (crates/lamina/tests/sandbox.rs)
 * checks the numbers against the limits it passed.
 *
 * Modes (argv[1]):
 *   mmap CAP_MB     1 MiB anonymous mmaps until one fails or CAP_MB are
 *                   mapped: "mmap: N MiB then -E" or "mmap: N MiB (cap)"
 *   grow CAP_MB     the same with __builtin_wasm_memory_grow by 1 MiB
 *                   (16 pages): "memory.grow: N MiB then -1" (WALI only;
 *                   natively "memory.grow: n/a")
 *   brk CAP_MB      brk in 1 MiB steps until the break stops moving:
 *                   "brk: N MiB then stuck" or "brk: N MiB (cap)"
 *   threads CAP     threads that wait until released, spawned until a
 *                   spawn fails or CAP run: "threads: N spawned, then R"
 *                   (R: the failed spawn's result) or "threads: N spawned
 *                   (cap)"; then all are released and joined, and one more
 *                   spawn must work again: "threads: spawn after join: ok"
 *   burn            spin forever (for --max-cpu)
 *   burn-ms MS      spin until the process has used MS ms of CPU, then
 *                   print "burned" and exit 0
 * Raw WALI syscalls only; builds natively as well. */
#include "lt_thread.h"
#include "lt_mm.h"

#define MIB (1ul << 20)
#define MAX_THREADS 32

static long atoi_(const char *s) {
    long v = 0;
    for (; *s >= '0' && *s <= '9'; s++) v = v * 10 + (*s - '0');
    return v;
}

static void mib_line(const char *what, long mib, const char *tail, long err, int capped) {
    put(what); put(": "); put_int(mib); put(" MiB");
    if (capped) put(" (cap)");
    else { put(" then "); if (tail) put(tail); else put_int(err); }
    put("\n");
}

static void by_mmap(long cap) {
    long n = 0, r = 0;
    while (n < cap) {
        r = lt_map_anon(NULL, MIB, PROT_RW, 0);
        if (lt_failed(r)) break;
        lt_ptr(r)[0] = 1; /* touch one page: the memory is really there */
        n++;
    }
    mib_line("mmap", n, NULL, r, n >= cap);
}

static void by_grow(long cap) {
#ifdef __wasm__
    long n = 0, r = 0;
    while (n < cap) {
        /* The old size in pages, or -1 as a 32-bit value (the builtin's
         * size_t is not this ABI's 64-bit long). */
        r = (int)__builtin_wasm_memory_grow(0, 16);
        if (r == -1) break;
        n++;
    }
    mib_line("memory.grow", n, NULL, r, n >= cap);
#else
    (void)cap;
    put("memory.grow: n/a\n");
#endif
}

static void by_brk(long cap) {
    unsigned long start = (unsigned long)wali_brk(0), cur = start;
    long n = 0;
    while (n < cap) {
        unsigned long want = cur + MIB;
        unsigned long got = (unsigned long)wali_brk((void *)want);
        if (got != want) break;
        cur = got;
        n++;
    }
    mib_line("brk", n, "stuck", 0, n >= cap);
}

static struct lt_thread threads[MAX_THREADS + 1];
static char stacks[MAX_THREADS + 1][16384] __attribute__((aligned(16)));
static volatile int released;

static void wait_for_release(void *arg) {
    (void)arg;
    while (!released) wali_futex((void *)&released, FUTEX_WAIT, 0, NULL, NULL, 0);
}
static void nothing(void *arg) { (void)arg; }

/* Starts thread i; the spawn's raw result (>= 0 on success). */
static long spawn(int i, void (*fn)(void *)) {
    struct lt_thread *t = &threads[i];
    t->fn = fn;
    t->arg = NULL;
    t->stack_top = stacks[i] + sizeof stacks[i];
#ifdef __wasm__
    t->tid = 1;
    long r = wali___wasm_thread_spawn((void *)lt_thread_entry, t);
    if (r <= 0) t->tid = 0;
    return r <= 0 ? (r == 0 ? -1 : r) : 0;
#else
    return lt_spawn(t) == 0 ? 0 : -1;
#endif
}

static void by_threads(long cap) {
    if (cap > MAX_THREADS) cap = MAX_THREADS;
    long n = 0, r = 0;
    while (n < cap) {
        r = spawn((int)n, wait_for_release);
        if (r < 0) break;
        n++;
    }
    put("threads: "); put_int(n); put(" spawned");
    if (n >= cap) put(" (cap)\n");
    else { put(", then "); put_int(r); put("\n"); }
    released = 1;
    wali_futex((void *)&released, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
    for (long i = 0; i < n; i++) lt_join(&threads[i]);
    r = spawn(MAX_THREADS, nothing);
    if (r >= 0) lt_join(&threads[MAX_THREADS]);
    put("threads: spawn after join: ");
    if (r >= 0) put("ok");
    else put_int(r);
    put("\n");
}

static long cpu_ms(void) {
    struct timespec ts;
    wali_clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static volatile unsigned long sink;

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *mode = argv[1];
    long arg = argc > 2 ? atoi_(argv[2]) : 0;
    if (lt_streq(mode, "mmap")) by_mmap(arg);
    else if (lt_streq(mode, "grow")) by_grow(arg);
    else if (lt_streq(mode, "brk")) by_brk(arg);
    else if (lt_streq(mode, "threads")) by_threads(arg);
    else if (lt_streq(mode, "burn")) for (;;) sink++;
    else if (lt_streq(mode, "burn-ms")) {
        while (cpu_ms() < arg)
            for (int i = 0; i < 100000; i++) sink++;
        put("burned\n");
    } else return 2;
    return 0;
}
