// Static initialisation and destruction: objects of one translation unit are
// made in the order of their definitions and destroyed in reverse; a
// function's static is made on first use (once, even with threads racing
// to it); destructors and atexit handlers run in reverse order of
// registration at exit. The other unit (units/static_init_other.cpp) uses
// this unit's registry through a function's static, which makes it safe
// whatever order the units are initialised in.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>
#include "../libc/check.h"  // CHECK, CHECK_STATUS: the self-checks of the C tests
#include "units/static_init.h"

std::vector<std::string> &registry() {
    static std::vector<std::string> names;  // made on first use
    return names;
}

Tracked::Tracked(const char *n) : name(n) {
    registry().push_back(name);
    std::printf("construct %s\n", name);
}
Tracked::~Tracked() { std::printf("destroy %s\n", name); }

static Tracked first("main unit: first");
static Tracked second("main unit: second");

static std::atomic<int> lazy_made{0};
struct Lazy {
    Lazy() { lazy_made++; }
};
static Lazy &lazy() {
    static Lazy instance;
    return instance;
}

static void at_exit_one() { std::printf("atexit one\n"); }
static void at_exit_two() { std::printf("atexit two\n"); }

int main() {
    std::printf("main starts; registered:");
    bool main_unit_in_order = false;
    auto &names = registry();
    for (size_t i = 0; i < names.size(); i++) {
        std::printf(" [%s]", names[i].c_str());
        if (names[i] == "main unit: first") main_unit_in_order = i + 1 < names.size() && names[i + 1] == "main unit: second";
    }
    std::printf("\n");
    CHECK(main_unit_in_order);
    CHECK(names.size() == 4);
    CHECK(other_unit_ready());

    std::vector<std::thread> racers;
    for (int i = 0; i < 8; i++) racers.emplace_back([] { lazy(); });
    for (auto &t : racers) t.join();
    std::printf("function static made %d time(s)\n", lazy_made.load());
    CHECK(lazy_made == 1);

    std::atexit(at_exit_one);
    static Tracked in_main("local static of main");  // registered between the two handlers
    std::atexit(at_exit_two);
    std::printf("main returns\n");
    return CHECK_STATUS();
}
