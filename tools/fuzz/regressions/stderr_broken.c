/* Regression guest (tools/fuzz finding): the runtime's own warnings go to
 * descriptor 2, which belongs to the guest. With it made a pipe nobody reads
 * (and SIGPIPE ignored), a warning used to panic the runtime (status 101).
 * Natively this program prints "alive" and exits 0. */
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    if (pipe(p) != 0) return 2;
    close(p[0]);
    dup2(p[1], 2);
    ioctl(0, 0x5412, 0); /* TIOCSTI: refused by Lamina, with a warning on stderr */
    ioctl(0, 0x5401 + 0x1000, 0); /* and one more, unknown to everyone */
    fprintf(stderr, "the guest's own write fails quietly\n");
    printf("alive\n");
    return 0;
}
