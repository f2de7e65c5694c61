/* stdio: file streams, formatted input, pushback, buffering modes, temporary
 * files, memory streams, and stdout flushed by exit() when main returns. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static long file_size(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return (long)st.st_size;
}

static void write_and_scan(void) {
    FILE *f = fopen("data.txt", "w");
    CHECK(f != NULL);
    fprintf(f, "%d %s %x\n", -42, "word", 255u);
    fprintf(f, "%.3f %c\n", 2.5, 'Z');
    fputs("a line with spaces\n", f);
    fputc('!', f);
    CHECK_EQ(fclose(f), 0);
    printf("size after close: %ld\n", file_size("data.txt"));

    f = fopen("data.txt", "r");
    CHECK(f != NULL);
    int i;
    unsigned x;
    char word[16];
    double d;
    char c;
    int n = fscanf(f, "%d %15s %x", &i, word, &x);
    printf("fscanf 1: n=%d i=%d word=%s x=%u\n", n, i, word, x);
    n = fscanf(f, "%lf %c", &d, &c);
    printf("fscanf 2: n=%d d=%.3f c=%c\n", n, d, c);
    CHECK_EQ(fgetc(f), '\n');
    char line[64];
    CHECK(fgets(line, sizeof line, f) == line);
    printf("fgets: [%s]\n", strtok(line, "\n"));
    printf("ftell before last: %ld\n", ftell(f));
    int last = fgetc(f);
    int at_end = fgetc(f) == EOF;
    printf("last char: %c, then EOF: %d, feof: %d\n", last, at_end, feof(f) != 0);
    CHECK(ferror(f) == 0);

    /* ungetc pushes back one character even at EOF and clears the EOF flag. */
    CHECK_EQ(ungetc('Q', f), 'Q');
    printf("after ungetc feof: %d\n", feof(f) != 0);
    printf("reread: %c\n", fgetc(f));
    rewind(f);
    CHECK_EQ(ungetc('x', f), 'x');
    n = fscanf(f, "%d", &i);
    printf("scan after pushback of x: n=%d\n", n);
    CHECK_EQ(fgetc(f), 'x');
    n = fscanf(f, "%d", &i);
    printf("scan after consuming x: n=%d i=%d\n", n, i);
    CHECK_EQ(fseek(f, -2, SEEK_END), 0);
    long pos = ftell(f);
    printf("fseek -2 from end: ftell=%ld char=%d\n", pos, fgetc(f));
    fclose(f);
}

static void modes(void) {
    FILE *f = fopen("modes.txt", "w");
    fputs("hello", f);
    fclose(f);
    f = fopen("modes.txt", "a");
    fputs(" world", f);
    fclose(f);
    f = fopen("modes.txt", "r+");
    CHECK_EQ(fseek(f, 0, SEEK_SET), 0);
    fputs("J", f);
    CHECK_EQ(fseek(f, 0, SEEK_CUR), 0); /* switch from writing to reading */
    char buf[32] = {0};
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    printf("r+ read %zu: [%s]\n", got, buf);
    rewind(f);
    got = fread(buf, 1, sizeof buf - 1, f);
    buf[got] = 0;
    printf("r+ whole: [%s]\n", buf);
    fclose(f);

    errno = 0;
    f = fopen("does-not-exist/file", "r");
    printf("fopen missing: %s errno=%d\n", f ? "opened" : "NULL", errno);
    CHECK_EQ(errno, ENOENT);
    errno = 0;
    f = fopen("modes.txt", "rq+x");
    printf("fopen with junk after r: %s\n", f ? "opened" : "NULL");
    if (f)
        fclose(f);
    f = fopen("modes.txt", "wx");
    printf("fopen wx on existing: %s errno=%d\n", f ? "opened" : "NULL", errno);
    CHECK_EQ(errno, EEXIST);

    /* Binary round trip of structured data. */
    int values[5] = {1, -2, 300000, 0x7fffffff, -0x7fffffff - 1}, back[5];
    f = fopen("bin.dat", "wb");
    CHECK_EQ(fwrite(values, sizeof values[0], 5, f), 5);
    fclose(f);
    f = fopen("bin.dat", "rb");
    CHECK_EQ(fread(back, sizeof back[0], 5, f), 5);
    CHECK_EQ(fread(back, sizeof back[0], 1, f), 0);
    CHECK(feof(f));
    fclose(f);
    printf("binary roundtrip: %s\n", memcmp(values, back, sizeof values) == 0 ? "same" : "different");

    CHECK_EQ(rename("bin.dat", "bin2.dat"), 0);
    printf("renamed size: %ld, old: %ld\n", file_size("bin2.dat"), file_size("bin.dat"));
    CHECK_EQ(remove("bin2.dat"), 0);
    errno = 0;
    int again = remove("bin2.dat");
    printf("remove again: %d errno=%d\n", again, errno);
}

static void buffering(void) {
    /* glibc writes through buffers smaller than 128 bytes, so use more. */
    static char user_buffer[256];
    FILE *f = fopen("buf.txt", "w");
    CHECK_EQ(setvbuf(f, user_buffer, _IOFBF, sizeof user_buffer), 0);
    fputs("0123456789", f);
    printf("full buffer, 10 bytes written: file has %ld\n", file_size("buf.txt"));
    for (int i = 0; i < 30; i++)
        fputs("0123456789", f);
    long mid = file_size("buf.txt");
    printf("full buffer, 310 bytes written: flushed something: %d, less than all: %d\n", mid > 0, mid < 310);
    fflush(f);
    printf("after fflush: %ld\n", file_size("buf.txt"));
    fclose(f);

    f = fopen("nbf.txt", "w");
    CHECK_EQ(setvbuf(f, NULL, _IONBF, 0), 0);
    fputs("abc", f);
    printf("unbuffered: %ld\n", file_size("nbf.txt"));
    fclose(f);

    f = fopen("lbf.txt", "w");
    CHECK_EQ(setvbuf(f, NULL, _IOLBF, 128), 0);
    fputs("no newline", f);
    printf("line buffered, no newline: %ld\n", file_size("lbf.txt"));
    fputs(" now\nrest", f);
    printf("line buffered, after newline: %ld\n", file_size("lbf.txt"));
    fclose(f);
    printf("after close: %ld\n", file_size("lbf.txt"));
}

static void temporary_and_memory(void) {
    FILE *t = tmpfile();
    CHECK(t != NULL);
    for (int i = 0; i < 1000; i++)
        fprintf(t, "%d,", i);
    printf("tmpfile ftell: %ld\n", ftell(t));
    rewind(t);
    long sum = 0;
    int v;
    while (fscanf(t, "%d,", &v) == 1)
        sum += v;
    printf("tmpfile sum: %ld\n", sum);
    fclose(t);

    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    fprintf(m, "memstream %d", 7);
    fflush(m);
    printf("open_memstream: [%s] len=%zu\n", buf, len);
    fputs(" more", m);
    fclose(m);
    printf("open_memstream final: [%s] len=%zu\n", buf, len);
    free(buf);

    char fixed[] = "10 20 thirty";
    m = fmemopen(fixed, strlen(fixed), "r");
    int a, b;
    char word[16];
    printf("fmemopen scan: %d", fscanf(m, "%d %d %15s", &a, &b, word));
    printf(" -> %d %d %s\n", a, b, word);
    fclose(m);

    FILE *f = fopen("lines.txt", "w");
    fputs("short\n\na much longer line that needs the buffer to grow\nno newline at end", f);
    fclose(f);
    f = fopen("lines.txt", "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) != -1)
        printf("getline %zd: [%.*s]\n", n, (int)(n && line[n - 1] == '\n' ? n - 1 : n), line);
    rewind(f);
    n = getdelim(&line, &cap, ' ', f);
    printf("getdelim space: %zd [%s]\n", n, line);
    free(line);
    fclose(f);

    int fd = open("lines.txt", O_RDONLY);
    f = fdopen(fd, "r");
    CHECK_EQ(fileno(f), fd);
    char first[6];
    CHECK(fgets(first, sizeof first, f) != NULL);
    printf("fdopen fgets (size 6): [%s]\n", first);
    fclose(f);
    printf("fd closed by fclose: %d\n", close(fd) == -1 && errno == EBADF);
}

static void on_exit_first(void) { printf("atexit handler registered first runs last\n"); }
static void on_exit_second(void) { printf("atexit handler registered second runs first\n"); }

int main(void) {
    write_and_scan();
    modes();
    buffering();
    temporary_and_memory();

    char s[32];
    int n = sscanf("key=value;42", "%[^=]=%[^;];%d", s, s + 16, &(int){0});
    printf("sscanf scanset: n=%d [%s] [%s]\n", n, s, s + 16);
    /* glibc stores a long long for %Ld, as for %lld. */
    long long big = 0, hex = 0;
    n = sscanf("-9000000000 ffffffffff", "%Ld %Lx", &big, &hex);
    printf("sscanf %%Ld: n=%d %lld %llx\n", n, big, hex);

    /* stdout is a pipe in both runs, so it is fully buffered: output written
     * directly to fd 1 overtakes the buffered printf text, which must still
     * appear because returning from main runs exit(), which flushes. */
    atexit(on_exit_first);
    atexit(on_exit_second);
    printf("buffered before write(2)... ");
    fflush(stdout);
    printf("still in the buffer at return");
    CHECK_EQ(write(1, "[direct write]\n", 15), 15);
    return CHECK_STATUS();
}
