#include "wasm_instruction.h"

WASM_INSTRUCTION(truncf, float, trunc)
