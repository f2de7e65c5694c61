#include <sys/time.h>
#include "syscall.h"

/* WALI's struct itimerval is the 64-bit kernel's, as the C library's is in
 * both C ABIs: musl's generic code would pass 32-bit fields where long is. */
int getitimer(int which, struct itimerval *old)
{
	return syscall(SYS_getitimer, which, old);
}
