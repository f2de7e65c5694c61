#include "wasm_instruction.h"

WASM_INSTRUCTION(rintf, float, rint)
