/* Extended attributes, utime and creat through the C library (Python's
 * shutil.copystat and cp -a copy attributes this way). A file system without
 * user attributes says so the same way natively and under Lamina. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "check.h"

int main(void) {
    int fd = creat("file", 0640);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "data", 4), 4);
    close(fd);

    struct utimbuf times = {.actime = 100000, .modtime = 200000};
    CHECK_EQ(utime("file", &times), 0);
    struct stat st;
    CHECK_EQ(stat("file", &st), 0);
    printf("utime: atime %lld, mtime %lld\n", (long long)st.st_atime, (long long)st.st_mtime);

    if (setxattr("file", "user.origin", "lamina", 6, 0) != 0) {
        printf("setxattr: %s\n", strerror(errno));
        return CHECK_STATUS();
    }
    char value[32] = {0};
    ssize_t n = getxattr("file", "user.origin", value, sizeof value);
    printf("getxattr: %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), value);
    CHECK_EQ(setxattr("file", "user.second", "2", 1, XATTR_CREATE), 0);
    errno = 0;
    CHECK_EQ(setxattr("file", "user.second", "3", 1, XATTR_CREATE), -1);
    printf("XATTR_CREATE twice: %s\n", strerror(errno));
    char list[128];
    n = listxattr("file", list, sizeof list);
    int names = 0;
    for (ssize_t i = 0; i < n; i += strlen(list + i) + 1)
        names += !strcmp(list + i, "user.origin") || !strcmp(list + i, "user.second");
    printf("listxattr: %d of our names\n", names);
    fd = open("file", O_RDONLY);
    printf("fgetxattr size: %zd\n", fgetxattr(fd, "user.second", NULL, 0));
    CHECK_EQ(fremovexattr(fd, "user.second"), 0);
    close(fd);
    CHECK_EQ(removexattr("file", "user.origin"), 0);
    errno = 0;
    CHECK_EQ(getxattr("file", "user.origin", value, sizeof value), -1);
    printf("after removexattr: %s\n", strerror(errno));
    return CHECK_STATUS();
}
