/* telldir's long and a directory's 64-bit position (WALI hands out the host
 * kernel's, which may use all 63 bits), in both C ABIs. */
#include <sys/types.h>

hidden long __dir_position_cookie(off_t);
hidden off_t __dir_position(long);
