// An exception that leaves a std::thread's function ends the program
// through std::terminate and abort(), with the exception current in the
// terminate handler, as natively; the main thread is still waiting.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <thread>

[[noreturn]] static void on_terminate() {
    try {
        if (std::exception_ptr current = std::current_exception()) std::rethrow_exception(current);
        std::printf("terminate handler: no exception\n");
    } catch (const std::exception &e) {
        std::printf("terminate handler: uncaught %s\n", e.what());
    }
    std::fflush(stdout);
    std::abort();
}

int main() {
    std::set_terminate(on_terminate);
    std::printf("starting the thread\n");
    std::fflush(stdout);
    std::thread worker([] { throw std::runtime_error("escaped from a thread"); });
    worker.join();
    std::printf("not reached\n");
    return 0;
}
