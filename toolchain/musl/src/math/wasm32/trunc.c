#include "wasm_instruction.h"

WASM_INSTRUCTION(trunc, double, trunc)
