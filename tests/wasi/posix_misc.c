/* Process-level POSIX calls: arguments and environment (args_get,
 * environ_get and their sizes under WASI), clocks (clock_res_get,
 * clock_time_get), sleeping and poll (poll_oneoff with clock and fd
 * subscriptions), getentropy (random_get), sched_yield, and the exit status
 * (proc_exit): `posix_misc exit N` ends with status N after flushing stdout
 * (N < 126: wasmtime traps on larger statuses, "exit with invalid exit status
 * outside of [0..126)", where Linux takes any byte).
 * Nothing printed depends on time or chance: only relations are. */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

extern char **environ;

static long long nanos(clockid_t clock)
{
    struct timespec ts;
    CHECK_EQ(clock_gettime(clock, &ts), 0);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && !strcmp(argv[1], "exit")) {
        printf("exiting with %s\n", argv[2]);
        exit(atoi(argv[2]));
    }

    /* argv[0] differs between the builds (the module or executable path). */
    printf("argc %d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    CHECK(argv[argc] == NULL);

    /* The environment, sorted: its order is the runner's. */
    int count = 0;
    while (environ[count])
        count++;
    char **sorted = malloc((count + 1) * sizeof *sorted);
    memcpy(sorted, environ, (count + 1) * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, compare_strings);
    printf("environ has %d entries\n", count);
    for (int i = 0; i < count; i++)
        printf("env \"%s\"\n", sorted[i]);
    const char *eq = getenv("WASI_EQ");
    printf("getenv WASI_EQ = %s, WASI_UNSET = %s\n", eq ? eq : "(null)", getenv("WASI_UNSET") ? "set" : "(null)");

    /* Clocks: resolutions are positive and at most a millisecond; time goes
     * forward; the realtime clock is past 2020. */
    struct timespec res;
    SHOW("clock_getres realtime", clock_getres(CLOCK_REALTIME, &res));
    CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
    SHOW("clock_getres monotonic", clock_getres(CLOCK_MONOTONIC, &res));
    CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
    /* No CPU-time clocks: wasmtime answers EBADF for them (wasi_api.c
     * accepts that or a time), Linux has them. */
    printf("realtime after 2020: %d\n", nanos(CLOCK_REALTIME) > 1577836800LL * 1000000000LL);
    long long before = nanos(CLOCK_MONOTONIC);
    struct timespec nap = {0, 20 * 1000000};
    SHOW("nanosleep", nanosleep(&nap, NULL));
    long long slept = nanos(CLOCK_MONOTONIC) - before;
    printf("nanosleep slept at least 20ms: %d\n", slept >= 20000000);
    struct timespec bad_nap = {0, 1000000000};
    SHOW("nanosleep bad nsec", nanosleep(&bad_nap, NULL));

    /* poll: a timeout alone is a relative clock subscription; regular files
     * are always ready for reading and writing. One event per call: given
     * both, wasmtime reports only the write readiness, which WASI allows
     * (poll_oneoff reports events that occurred, not necessarily all). */
    before = nanos(CLOCK_MONOTONIC);
    SHOW("poll timeout", poll(NULL, 0, 15));
    printf("poll waited at least 15ms: %d\n", nanos(CLOCK_MONOTONIC) - before >= 15000000);
    int fd = open("poll.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "x", 1);
    struct pollfd in = {fd, POLLIN, 0}, out = {fd, POLLOUT, 0};
    SHOW("poll file for reading", poll(&in, 1, 1000));
    printf("revents POLLIN %d\n", (in.revents & POLLIN) != 0);
    SHOW("poll file for writing", poll(&out, 1, 1000));
    printf("revents POLLOUT %d\n", (out.revents & POLLOUT) != 0);
    close(fd);
    SHOW("unlink poll.txt", unlink("poll.txt"));

    /* getentropy: up to 256 bytes per call, EIO beyond; two draws differ. */
    unsigned char a[256], b[256];
    SHOW("getentropy 256", getentropy(a, sizeof a));
    SHOW("getentropy 256 again", getentropy(b, sizeof b));
    printf("two draws differ: %d\n", memcmp(a, b, sizeof a) != 0);
    SHOW("getentropy 0", getentropy(a, 0));
    SHOW("getentropy 257", getentropy(a, 257));

    SHOW("sched_yield", sched_yield());
    return CHECK_STATUS();
}
