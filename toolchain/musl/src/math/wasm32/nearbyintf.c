#include "wasm_instruction.h"

WASM_INSTRUCTION(nearbyintf, float, nearbyint)
