#include "wasm_instruction.h"

WASM_INSTRUCTION(floorf, float, floor)
