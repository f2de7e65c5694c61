/* execve and __clone for test guests, the same source both ways.
 *
 * The environment: natively the kernel hands it to main's process
 * (`environ`); a WALI program reads the env file `__get_init_envfile` names
 * (what musl's start-up does). lt_getenv reads it once and closes it again,
 * so it does not disturb descriptor numbers a test checks.
 *
 * __clone: on WALI the `wali.__clone` import musl's posix_spawn uses; natively
 * the C library's clone(2) wrapper, with the same calling convention. */
#pragma once
#include "lt.h"

#define CLONE_VM 0x100
#define CLONE_VFORK 0x4000
#define CLONE_THREAD 0x10000
#define SIGCHLD 17
#define SIGTERM 15
#define ENOEXEC 8

#ifdef __wasm__
/* clang turns `memcmp(...) == 0` into a call to bcmp, which lt.h lacks. */
int bcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n); }
WALI_IMPORT("__clone") int wali___clone(int (*fn)(void *), void *stack, int flags, void *arg, ...);
#else
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...);
#define wali___clone clone
extern char **environ;
#endif

/* A stack for natively cloned children (WALI's __clone does not use it). */
static char lt_clone_stack[65536] __attribute__((aligned(16)));
#define LT_CLONE_STACK_TOP ((void *)(lt_clone_stack + sizeof lt_clone_stack))

static const char *lt_prefixed(const char *entry, const char *name) {
    size_t n = strlen(name);
    return memcmp(entry, name, n) == 0 && entry[n] == '=' ? entry + n + 1 : NULL;
}

#ifdef __wasm__
static char lt_env_text[65536];
static int lt_env_loaded;
static const char *lt_getenv(const char *name) {
    if (!lt_env_loaded) {
        lt_env_loaded = 1;
        char path[256];
        if (wali___get_init_envfile(path, sizeof path) == 1) {
            int fd = (int)wali_open(path, O_RDONLY, 0);
            if (fd >= 0) {
                long n = wali_read(fd, lt_env_text, sizeof lt_env_text - 1);
                wali_close(fd);
                /* One NAME=value per line: make each line a string. */
                for (long i = 0; i < n; i++)
                    if (lt_env_text[i] == '\n') lt_env_text[i] = 0;
            }
        }
    }
    for (const char *e = lt_env_text; *e; e += strlen(e) + 1) {
        const char *v = lt_prefixed(e, name);
        if (v) return v;
    }
    return NULL;
}
#else
static const char *lt_getenv(const char *name) {
    for (char **e = environ; *e; e++) {
        const char *v = lt_prefixed(*e, name);
        if (v) return v;
    }
    return NULL;
}
#endif

static long lt_atoi(const char *s) {
    long v = 0;
    int neg = *s == '-';
    for (s += neg; *s >= '0' && *s <= '9'; s++) v = v * 10 + (*s - '0');
    return neg ? -v : v;
}

/* Decimal text of v in buf (at least 24 bytes). */
static char *lt_itoa(long v, char *buf) {
    char tmp[24];
    int i = 23;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    tmp[i] = 0;
    do { tmp[--i] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) tmp[--i] = '-';
    memcpy(buf, tmp + i, 24 - i);
    return buf;
}

/* Creates (or truncates) `path` with `content` and exactly `mode`. */
static void lt_write_file(const char *path, const char *content, int mode) {
    int fd = (int)wali_open((void *)path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    wali_write(fd, (void *)content, (unsigned)strlen(content));
    wali_fchmod(fd, mode); /* whatever the umask */
    wali_close(fd);
}

/* Waits for `pid`; its wait status. */
static int lt_wait(long pid) {
    int status = -1;
    long r = wali_wait4((int)pid, &status, 0, NULL);
    if (r != pid) { put("FAIL wait4: "); put_int(r); put("\n"); lt_failures++; }
    return status;
}
