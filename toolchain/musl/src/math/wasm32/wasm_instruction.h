/* A math function that is one Wasm instruction (f64.sqrt, f32.floor, ...).
 * clang's elementwise builtins become the instruction even where
 * -fmath-errno would make __builtin_sqrt a library call. */
#include <math.h>

#define WASM_INSTRUCTION(name, type, op) \
	type name(type x) \
	{ \
		return __builtin_elementwise_##op(x); \
	}
