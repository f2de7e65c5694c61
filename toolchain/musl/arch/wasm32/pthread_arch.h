/* Wasm has no thread register: each thread's own Wasm TLS block (at
 * __tls_base) holds a pointer to its struct pthread. */
extern hidden _Thread_local void *__wasm_thread_pointer;

static inline uintptr_t __get_tp()
{
	return (uintptr_t)__wasm_thread_pointer;
}

#define TP_ADJ(p) (p)

/* No machine context in Wasm: cancellation never sees a program counter. */
#define MC_PC __space[0]
