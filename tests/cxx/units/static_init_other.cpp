// The second translation unit of static_init.cpp.
#include "static_init.h"

static Tracked one("other unit: one");
static Tracked two("other unit: two");

bool other_unit_ready() { return registry().size() >= 2; }
