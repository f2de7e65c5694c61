#include "wasm_instruction.h"

WASM_INSTRUCTION(floor, double, floor)
