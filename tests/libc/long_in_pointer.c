/* What C programs assume of long, modelled on redis, which keeps a string
 * value that is an integer fitting in a long in the object's pointer field
 * (o->ptr = (void *)(long)value) and turns it back with (long)o->ptr: that
 * needs long to fit in a pointer, as in the ILP32 C ABI (with WALI's own
 * 64-bit long, SET k 4294967297; GET k answered 1). Also: SSIZE_MAX as an
 * ssize_t, and control messages laid out with CMSG_SPACE and walked with
 * CMSG_NXTHDR (two of them, passing descriptors over a socketpair). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "check.h"

/* A value as redis stores it: a long in the pointer when the text is an
 * integer that fits in a long, else the text itself. */
struct object {
    int is_int;
    void *ptr;
};

static struct object make_object(const char *text) {
    char *end;
    long long v = strtoll(text, &end, 10);
    if (*end == 0 && v >= LONG_MIN && v <= LONG_MAX)
        return (struct object){1, (void *)(long)v};
    return (struct object){0, strdup(text)};
}

static void get(const struct object *o, char *out, size_t size) {
    if (o->is_int)
        snprintf(out, size, "%ld", (long)o->ptr);
    else
        snprintf(out, size, "%s", (char *)o->ptr);
}

static void integers_in_pointers(void) {
    const char *values[] = {"4294967297", "-5000000000", "2147483647", "-2147483648", "42", "-1"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        struct object o = make_object(values[i]);
        char got[32];
        get(&o, got, sizeof got);
        printf("SET k %s; GET k -> %s\n", values[i], got);
        CHECK(strcmp(got, values[i]) == 0);
    }
    printf("long fits in a pointer: %d\n", sizeof(long) <= sizeof(void *));
}

static void ssize_max(void) {
    ssize_t s = (ssize_t)SSIZE_MAX;
    /* The largest ssize_t: positive, and one more would need the sign bit. */
    int largest = s > 0 && (size_t)s == SIZE_MAX / 2;
    printf("SSIZE_MAX as ssize_t is its largest value: %d\n", largest);
    CHECK(largest);
}

/* Sends the write ends of two pipes in two SCM_RIGHTS messages of one
 * control buffer, receives them and writes through both. */
static void two_control_messages(void) {
    int sv[2], a[2], b[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(a) == 0 && pipe(b) == 0);
    printf("CMSG_SPACE(sizeof(int)) = %zu, CMSG_LEN(sizeof(int)) = %zu\n", (size_t)CMSG_SPACE(sizeof(int)),
           (size_t)CMSG_LEN(sizeof(int)));

    union {
        char buf[2 * CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *first = CMSG_FIRSTHDR(&msg);
    first->cmsg_level = SOL_SOCKET;
    first->cmsg_type = SCM_RIGHTS;
    first->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(first), &a[1], sizeof(int));
    struct cmsghdr *second = CMSG_NXTHDR(&msg, first);
    printf("second header inside a buffer of two CMSG_SPACEs: %d\n", second != NULL);
    CHECK(second != NULL);
    if (!second)
        return;
    second->cmsg_level = SOL_SOCKET;
    second->cmsg_type = SCM_RIGHTS;
    second->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(second), &b[1], sizeof(int));
    CHECK(CMSG_NXTHDR(&msg, second) == NULL);
    printf("sendmsg: %zd\n", sendmsg(sv[0], &msg, 0));

    union {
        char buf[4 * CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } received;
    struct msghdr rmsg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = received.buf,
                          .msg_controllen = sizeof received.buf};
    printf("recvmsg: %zd\n", recvmsg(sv[1], &rmsg, 0));
    int fds[4], count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&rmsg); c; c = CMSG_NXTHDR(&rmsg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n && count < 4; i++)
            memcpy(&fds[count++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    }
    printf("descriptors received: %d\n", count);
    CHECK_EQ(count, 2);
    int work = count == 2 && write(fds[0], "A", 1) == 1 && write(fds[1], "B", 1) == 1;
    char ca = 0, cb = 0;
    work = work && read(a[0], &ca, 1) == 1 && read(b[0], &cb, 1) == 1 && ca == 'A' && cb == 'B';
    printf("both reach their pipes: %d\n", work);
    CHECK(work);
}

int main(void) {
    integers_in_pointers();
    ssize_max();
    two_control_messages();
    return CHECK_STATUS();
}
