#include <features.h>

/* WALI's rt_sigaction argument: packed, 24 bytes (handler @0, flags @4,
 * restorer @12, mask @16), handlers being table indices; the flags are the
 * kernel's 64-bit unsigned long in both C ABIs. */
struct __attribute__((__packed__)) k_sigaction {
	void (*handler)(int);
	unsigned long long flags;
	void (*restorer)(void);
	unsigned mask[2];
};

hidden void __restore(), __restore_rt();
