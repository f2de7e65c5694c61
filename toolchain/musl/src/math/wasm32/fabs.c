#include "wasm_instruction.h"

WASM_INSTRUCTION(fabs, double, abs)
