// An exception that no handler catches ends a C++ program through
// std::terminate, as the standard requires. Natively the unwinder's search
// phase finds no handler and __cxa_throw calls std::terminate. Wasm
// exception handling has no search phase: the exception would leave the
// thread's outermost frame and stop the program with a trap instead. So C++
// programs are linked with -Wl,--wrap=__main_void and
// -Wl,--wrap=pthread_create (lamina c++, crates/lamina/src/cc/flags.rs): the
// C library's start code calls main, and every thread its start routine,
// through these functions, which catch what escapes and terminate with the
// exception current, so that a terminate handler sees it, as natively.
// (Whether the stack is unwound before std::terminate is
// implementation-defined; here it is.) Built into libc++abi.a by
// toolchain/build-libcxx.sh.

#include <exception>
#include <cerrno>
#include <new>
#include <pthread.h>

extern "C" int __real___main_void(void);

extern "C" int __wrap___main_void(void) {
    try {
        return __real___main_void();
    } catch (...) {
        std::terminate();
    }
}

namespace {

// A thread's start routine and its argument, from pthread_create to the thread.
struct Start {
    void *(*routine)(void *);
    void *argument;
};

void *start_or_terminate(void *start) {
    Start copy = *static_cast<Start *>(start);
    delete static_cast<Start *>(start);
    try {
        return copy.routine(copy.argument);
    } catch (...) {
        std::terminate();
    }
}

} // namespace

extern "C" int __real_pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

extern "C" int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attributes, void *(*routine)(void *),
                                     void *argument) {
    Start *start = new (std::nothrow) Start{routine, argument};
    if (!start) return EAGAIN;
    int error = __real_pthread_create(thread, attributes, start_or_terminate, start);
    if (error) delete start;
    return error;
}
