#include <mqueue.h>
#include "syscall.h"
#include "kmq_attr.h"

void __mq_attr_to_kernel(struct kmq_attr *k, const struct mq_attr *a)
{
	*k = (struct kmq_attr){ a->mq_flags, a->mq_maxmsg, a->mq_msgsize, a->mq_curmsgs };
}

int mq_setattr(mqd_t mqd, const struct mq_attr *restrict new, struct mq_attr *restrict old)
{
	struct kmq_attr knew, kold;
	if (new) __mq_attr_to_kernel(&knew, new);
	int r = __syscall(SYS_mq_getsetattr, mqd, new ? &knew : 0, old ? &kold : 0);
	if (!r && old) *old = (struct mq_attr){
		.mq_flags = kold.flags, .mq_maxmsg = kold.maxmsg,
		.mq_msgsize = kold.msgsize, .mq_curmsgs = kold.curmsgs };
	return __syscall_ret(r);
}
