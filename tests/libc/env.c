/* The environment: the initial environ (the harness sets exactly
 * LIBC_A=alpha, LIBC_EMPTY= and LIBC_EQ=x=y=z for both builds), getenv,
 * setenv with and without overwrite, unsetenv, putenv aliasing the caller's
 * string, clearenv, and the errors for invalid names. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

extern char **environ;

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void show_environ(const char *label) {
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **copy = malloc((n + 1) * sizeof *copy);
    memcpy(copy, environ, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, compare_strings);
    printf("%s (%zu):", label, n);
    for (size_t i = 0; i < n; i++)
        printf(" [%s]", copy[i]);
    printf("\n");
    free(copy);
}

static void show(const char *name) {
    const char *v = getenv(name);
    printf("  %s -> %s%s%s\n", name, v ? "[" : "", v ? v : "unset", v ? "]" : "");
}

int main(void) {
    show_environ("initial");
    show("LIBC_A");
    show("LIBC_EMPTY");
    show("LIBC_EQ");
    show("LIBC_MISSING");
    show("LIBC");
    show("LIBC_A=alpha");

    CHECK_EQ(setenv("LIBC_NEW", "one", 0), 0);
    CHECK_EQ(setenv("LIBC_NEW", "two", 0), 0);
    printf("setenv without overwrite keeps the first value:\n");
    show("LIBC_NEW");
    CHECK_EQ(setenv("LIBC_NEW", "three", 1), 0);
    show("LIBC_NEW");
    CHECK_EQ(setenv("LIBC_A", "", 1), 0);
    show("LIBC_A");

    /* putenv makes the string itself part of the environment. */
    static char owned[] = "LIBC_PUT=first";
    CHECK_EQ(putenv(owned), 0);
    show("LIBC_PUT");
    memcpy(owned + 9, "later", 6);
    printf("after changing the putenv string:\n");
    show("LIBC_PUT");

    CHECK_EQ(unsetenv("LIBC_EQ"), 0);
    CHECK_EQ(unsetenv("LIBC_NEVER_SET"), 0);
    show("LIBC_EQ");
    show_environ("after changes");

    errno = 0;
    int r = setenv("BAD=NAME", "v", 1);
    printf("setenv name with '=': %d errno=%d\n", r, errno);
    errno = 0;
    r = setenv("", "v", 1);
    printf("setenv empty name: %d errno=%d\n", r, errno);
    errno = 0;
    r = unsetenv("A=B");
    printf("unsetenv name with '=': %d errno=%d\n", r, errno);

    /* Many variables force the environment array to grow. */
    for (int i = 0; i < 200; i++) {
        char name[32], value[32];
        snprintf(name, sizeof name, "LIBC_MANY_%03d", i);
        snprintf(value, sizeof value, "v%d", i * i);
        CHECK_EQ(setenv(name, value, 1), 0);
    }
    int ok = 1;
    for (int i = 0; i < 200; i++) {
        char name[32], value[32];
        snprintf(name, sizeof name, "LIBC_MANY_%03d", i);
        snprintf(value, sizeof value, "v%d", i * i);
        const char *v = getenv(name);
        ok &= v && strcmp(v, value) == 0;
    }
    printf("200 variables set and read back: %d\n", ok);
    show("LIBC_NEW");

    CHECK_EQ(clearenv(), 0);
    printf("after clearenv: environ empty: %d\n", environ == NULL || environ[0] == NULL);
    show("LIBC_NEW");
    CHECK_EQ(setenv("LIBC_AFTER_CLEAR", "yes", 1), 0);
    show_environ("after clearenv and setenv");
    return CHECK_STATUS();
}
