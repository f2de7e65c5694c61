#include "wasm_instruction.h"

WASM_INSTRUCTION(rint, double, rint)
