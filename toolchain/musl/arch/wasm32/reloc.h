/* A WALI program is one statically linked Wasm module: there is no dynamic
 * linker, so nothing here is ever relocated at run time. */
#define LDSO_ARCH "wasm32"

#define CRTJMP(pc,sp) __builtin_trap()
