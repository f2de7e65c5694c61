#include "wasm_instruction.h"

WASM_INSTRUCTION(ceilf, float, ceil)
