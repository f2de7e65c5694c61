// Shared by static_init.cpp and units/static_init_other.cpp.
#include <string>
#include <vector>

std::vector<std::string> &registry();

struct Tracked {
    const char *name;
    explicit Tracked(const char *n);
    ~Tracked();
};

bool other_unit_ready();
