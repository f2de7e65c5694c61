#include "wasm_instruction.h"

WASM_INSTRUCTION(sqrt, double, sqrt)
