// std::exit from deep in the program: objects with static storage are
// destroyed and atexit handlers run, in reverse order of registration;
// objects with automatic storage are not destroyed (no unwinding).
#include <cstdio>
#include <cstdlib>
#include "../libc/check.h"  // CHECK, CHECK_STATUS: the self-checks of the C tests

struct Noisy {
    const char *name;
    explicit Noisy(const char *n) : name(n) { std::printf("construct %s\n", name); }
    ~Noisy() { std::printf("destroy %s\n", name); std::fflush(stdout); }
};

static Noisy global("global");

static void handler() { std::printf("atexit handler\n"); }

[[gnu::noinline]] static void deep(int n) {
    Noisy local("local (not destroyed)");
    if (n == 0) {
        std::printf("calling exit(0)\n");
        std::exit(0);
    }
    deep(n - 1);
}

int main() {
    std::atexit(handler);
    static Noisy registered_later("static of main");
    deep(3);
    std::printf("not reached\n");
    return 1;
}
