#include "wasm_instruction.h"

WASM_INSTRUCTION(fabsf, float, abs)
