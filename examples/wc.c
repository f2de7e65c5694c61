/* wc: counts lines, words and bytes of each file named on the command line,
 * like `wc FILE...`. Freestanding C over the WALI syscall imports, built with
 * the same flags as real WALI binaries (see scripts/setup.sh). */
#include "lt.h"

static void pad(long v, int width) {
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) digits++;
    while (digits++ < width) put(" ");
    put_int(v);
}

static int count(const char *path, long totals[3]) {
    int fd = (int)wali_open((void *)path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) {
        put("wc: cannot open "); put(path); put(" (errno "); put_int(-fd); put(")\n");
        return 1;
    }
    long lines = 0, words = 0, bytes = 0;
    int in_word = 0;
    static char buf[65536];
    long n;
    while ((n = wali_read(fd, buf, sizeof buf)) > 0) {
        bytes += n;
        for (long i = 0; i < n; i++) {
            char c = buf[i];
            lines += c == '\n';
            int space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
            words += !space && !in_word;
            in_word = !space;
        }
    }
    wali_close(fd);
    pad(lines, 7); put(" "); pad(words, 7); put(" "); pad(bytes, 7); put(" "); put(path); put("\n");
    totals[0] += lines; totals[1] += words; totals[2] += bytes;
    return n < 0;
}

int main(int argc, char **argv) {
    long totals[3] = {0, 0, 0};
    int failed = 0;
    for (int i = 1; i < argc; i++) failed |= count(argv[i], totals);
    if (argc > 2) {
        pad(totals[0], 7); put(" "); pad(totals[1], 7); put(" "); pad(totals[2], 7); put(" total\n");
    }
    return failed;
}
