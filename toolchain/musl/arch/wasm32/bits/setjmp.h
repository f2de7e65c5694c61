/* Sized for the largest WALI host (26 registers on riscv64), as the WALI ABI
 * fixes it: jmp_buf is 344 bytes. Setjmp and longjmp themselves use Wasm
 * exception handling and keep only their bookkeeping here. */
typedef unsigned long long __jmp_buf[26];
