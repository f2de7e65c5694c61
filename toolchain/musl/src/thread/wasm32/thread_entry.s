# Where the runtime starts a thread made by __wasm_thread_spawn: it calls
# table[entry](tid, start) in a new instance whose __stack_pointer and
# __tls_base mean nothing yet. Offsets 0 and 4 of the start block hold the
# thread's stack top and TLS block (the WALI convention); C takes over once
# both are set.
	.globaltype __stack_pointer, i32
	.globaltype __tls_base, i32
	.functype __wasm_thread_main (i32, i32) -> ()

	.globl __wasm_thread_start_libc
	.type __wasm_thread_start_libc,@function
__wasm_thread_start_libc:
	.functype __wasm_thread_start_libc (i32, i32) -> ()
	local.get 1
	i32.load 0
	global.set __stack_pointer
	local.get 1
	i32.load 4
	global.set __tls_base
	local.get 0
	local.get 1
	call __wasm_thread_main
	end_function
