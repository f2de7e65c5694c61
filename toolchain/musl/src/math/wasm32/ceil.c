#include "wasm_instruction.h"

WASM_INSTRUCTION(ceil, double, ceil)
