/* The kernel's struct mq_attr as WALI passes it: four 64-bit longs and four
 * reserved ones, while a program's long is 32-bit in the ILP32 C ABI
 * (src/mq/wasm32 converts). */
struct kmq_attr {
	long long flags, maxmsg, msgsize, curmsgs, reserved[4];
};

hidden void __mq_attr_to_kernel(struct kmq_attr *, const struct mq_attr *);
