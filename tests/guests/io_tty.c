/* Run with stdin and stdout on a pseudo-terminal (crates/lamina/tests/io.rs
 * sets it up): the terminal ioctls isatty and line editors rely on. */
#include "lt_poll.h"

int main(int argc, char **argv) {
    struct termios_kernel t;
    expect_eq("stdin isatty (TCGETS)", wali_ioctl(0, TCGETS, &t), 0);
    expect_eq("stdout isatty (TCGETS)", wali_ioctl(1, TCGETS, &t), 0);
    expect_eq("stderr is not a tty", wali_ioctl(2, TCGETS, &t), -ENOTTY);
    expect_eq("TCSETS unchanged", wali_ioctl(0, TCSETS, &t), 0);
    struct winsize ws = {0, 0, 0, 0};
    expect_eq("TIOCGWINSZ", wali_ioctl(1, TIOCGWINSZ, &ws), 0);
    show("rows", ws.ws_row);
    show("cols", ws.ws_col);
    struct winsize bigger = {ws.ws_row + 1, ws.ws_col + 2, 0, 0};
    expect_eq("TIOCSWINSZ", wali_ioctl(0, TIOCSWINSZ, &bigger), 0);
    expect_eq("TIOCGWINSZ again", wali_ioctl(0, TIOCGWINSZ, &ws), 0);
    show("rows now", ws.ws_row);
    show("cols now", ws.ws_col);
    int n = -1;
    expect_eq("FIONREAD on the tty", wali_ioctl(0, FIONREAD, &n), 0);
    show("typed ahead", n);
    /* Where the kernel would write through the pointer, the runtime refuses
     * one outside guest memory (checked on wasm only; natively the addresses
     * mean something else). */
#ifdef __wasm__
    int refused = wali_ioctl(1, TIOCGWINSZ, LT_WILD) == -EFAULT && wali_ioctl(1, TIOCGWINSZ, lt_mem_tail(4)) == -EFAULT &&
                  wali_ioctl(0, TCGETS, lt_mem_tail(20)) == -EFAULT;
#else
    int refused = 1;
#endif
    expect_true("wild pointers refused", refused);
    return lt_failures;
}
