// An exception that no handler catches ends a C++ program through
// std::terminate, as the standard requires. Natively the unwinder's search
// phase finds no handler and __cxa_throw calls std::terminate. Wasm
// exception handling has no search phase: the exception would leave the
// module's outermost frame and stop the program with a trap instead. So C++
// programs are linked with -Wl,--wrap=__main_void (lamina c++, flags.rs):
// the C library's start code calls main through this function, which
// catches what main lets escape and terminates, with the exception current,
// so that a terminate handler sees it, as natively. (Whether the stack is
// unwound before std::terminate is implementation-defined; here it is.)
// Built into libc++abi.a by toolchain/build-libcxx.sh.

#include <exception>

extern "C" int __real___main_void(void);

extern "C" int __wrap___main_void(void) {
    try {
        return __real___main_void();
    } catch (...) {
        std::terminate();
    }
}
