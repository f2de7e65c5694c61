/* Bulk I/O: writes 1 GiB to /dev/null in 64 KiB chunks, then reads 1 GiB
 * from /dev/zero: the cost of checking and passing large buffers. */
#include "lt.h"

static char buf[65536];

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    int out = (int)wali_open("/dev/null", O_WRONLY, 0), in = (int)wali_open("/dev/zero", O_RDONLY, 0);
    long total = 0;
    for (int i = 0; i < 16384; i++) total += wali_write(out, buf, sizeof buf);
    for (int i = 0; i < 16384; i++) total += wali_read(in, buf, sizeof buf);
    return total != 2L * 16384 * 65536;
}
