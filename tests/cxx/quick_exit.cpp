// std::quick_exit: the at_quick_exit handlers run, in reverse order of
// registration, but no static object is destroyed and no atexit handler runs.
#include <cstdio>
#include <cstdlib>

struct Noisy {
    ~Noisy() { std::printf("static destroyed (wrong)\n"); }
};
static Noisy global;

static void quick_one() { std::printf("at_quick_exit one\n"); }
static void quick_two() { std::printf("at_quick_exit two\n"); std::fflush(stdout); }
static void plain() { std::printf("atexit handler (wrong)\n"); }

int main() {
    std::atexit(plain);
    std::at_quick_exit(quick_one);
    std::at_quick_exit(quick_two);
    std::printf("quick_exit(0)\n");
    std::fflush(stdout);
    std::quick_exit(0);
}
