/* Helpers for the POSIX-level WASI tests (tests/wasi/posix_*.c), built both
 * natively (gcc, glibc) and for wasm32-wasi (clang, wasi-libc) and compared.
 *
 * errno numbers differ between the two C libraries (wasi-libc uses WASI's
 * numbering: ENOENT is 44 there, 2 on Linux), and strerror texts differ too,
 * so the programs print errno by its symbolic name. */
#ifndef WASI_POSIX_H
#define WASI_POSIX_H

#include <errno.h>
#include <stdio.h>

#include "../libc/check.h"

static const char *errname(int e)
{
    switch (e) {
    case 0: return "0";
    case EACCES: return "EACCES";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case EMLINK: return "EMLINK";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOENT: return "ENOENT";
    case ENOSPC: return "ENOSPC";
    case ENOSYS: return "ENOSYS";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTSOCK: return "ENOTSOCK";
    case ENOTSUP: return "ENOTSUP";
    case ENXIO: return "ENXIO";
    case EPERM: return "EPERM";
    case ERANGE: return "ERANGE";
    case ESPIPE: return "ESPIPE";
    case EXDEV: return "EXDEV";
    default: return "E?";
    }
}

/* Prints "what = result" and, when the call failed, the errno by name; the
 * errno is reset first so a stale value is never printed. */
#define SHOW(what, call)                                                         \
    do {                                                                         \
        errno = 0;                                                               \
        long long r_ = (long long)(call);                                        \
        if (r_ < 0)                                                              \
            printf("%s = %lld %s\n", what, r_, errname(errno));                  \
        else                                                                     \
            printf("%s = %lld\n", what, r_);                                     \
    } while (0)

#endif
