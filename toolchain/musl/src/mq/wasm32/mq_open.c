#include <mqueue.h>
#include <fcntl.h>
#include <stdarg.h>
#include "syscall.h"
#include "kmq_attr.h"

mqd_t mq_open(const char *name, int flags, ...)
{
	mode_t mode = 0;
	struct mq_attr *attr = 0;
	struct kmq_attr kattr;
	if (*name == '/') name++;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		attr = va_arg(ap, struct mq_attr *);
		va_end(ap);
	}
	if (attr) __mq_attr_to_kernel(&kattr, attr);
	return syscall(SYS_mq_open, name, flags, mode, attr ? &kattr : 0);
}
