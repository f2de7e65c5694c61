#include "wasm_instruction.h"

WASM_INSTRUCTION(sqrtf, float, sqrt)
