#include "wasm_instruction.h"

WASM_INSTRUCTION(nearbyint, double, nearbyint)
