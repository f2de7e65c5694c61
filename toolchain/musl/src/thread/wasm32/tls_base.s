# Sets the calling thread's __tls_base (C cannot assign a Wasm global).
	.globaltype __tls_base, i32

	.globl __wasm_set_tls_base
	.hidden __wasm_set_tls_base
	.type __wasm_set_tls_base,@function
__wasm_set_tls_base:
	.functype __wasm_set_tls_base (i32) -> ()
	local.get 0
	global.set __tls_base
	end_function
