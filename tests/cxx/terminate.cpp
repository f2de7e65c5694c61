// An exception nobody catches ends the program through std::terminate,
// which calls the handler set with std::set_terminate, then abort(): the
// status is SIGABRT's, as natively. Destructors of the frames between
// throw and main may or may not run; nothing here depends on them.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>

[[noreturn]] static void on_terminate() {
    std::exception_ptr current = std::current_exception();
    try {
        if (current) std::rethrow_exception(current);
    } catch (const std::exception &e) {
        std::printf("terminate handler: uncaught %s\n", e.what());
    }
    std::fflush(stdout);
    std::abort();
}

[[gnu::noinline]] static void fail(int n) {
    if (n > 0) throw std::runtime_error("nobody catches this");
}

int main(int argc, char **) {
    std::set_terminate(on_terminate);
    std::printf("before the throw\n");
    std::fflush(stdout);
    fail(argc);
    std::printf("not reached\n");
    return 0;
}
