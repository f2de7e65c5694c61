// Exceptions through Wasm exception handling: thrown across frames, caught
// by base class, rethrown, nested, carried between threads in an
// exception_ptr, with destructors run during unwinding in the right order.
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>
#include <cerrno>
#include <cstdlib>
#include "../libc/check.h"  // CHECK, CHECK_STATUS: the self-checks of the C tests

static std::vector<std::string> events;

struct Guard {
    std::string name;
    explicit Guard(std::string n) : name(std::move(n)) { events.push_back("enter " + name); }
    ~Guard() { events.push_back("leave " + name); }
};

struct AppError : std::runtime_error {
    int code;
    AppError(const std::string &what, int c) : std::runtime_error(what), code(c) {}
};

[[gnu::noinline]] static void level3(int n) {
    Guard g("level3");
    if (n > 2) throw AppError("deep failure", n);
}
[[gnu::noinline]] static void level2(int n) { Guard g("level2"); level3(n + 1); }
[[gnu::noinline]] static void level1(int n) { Guard g("level1"); level2(n + 1); }

// A C++ function called back by the C library throws through its frames.
static int comparisons;
static int compare_then_throw(const void *a, const void *b) {
    if (++comparisons == 5) throw std::runtime_error("from the comparison");
    return *static_cast<const int *>(a) - *static_cast<const int *>(b);
}

static void print_events() {
    for (const auto &e : events) std::printf("  %s\n", e.c_str());
    events.clear();
}

// A member constructed before a constructor throws is destroyed; the object's
// own destructor is not run.
struct Part { const char *n; explicit Part(const char *x) : n(x) { events.push_back(std::string("make ") + n); }
    ~Part() { events.push_back(std::string("drop ") + n); } };
struct Whole {
    Part a{"a"}, b{"b"};
    Whole() { throw std::logic_error("whole"); }
    ~Whole() { events.push_back("whole destroyed"); }
};

static void print_nested(const std::exception &e, int depth) {
    std::printf("%*snested: %s\n", depth * 2, "", e.what());
    try {
        std::rethrow_if_nested(e);
    } catch (const std::exception &inner) {
        print_nested(inner, depth + 1);
    }
}

int main() {
    // Across frames, caught by base class, destructors innermost first.
    try {
        level1(1);
    } catch (const std::runtime_error &e) {
        const auto *app = dynamic_cast<const AppError *>(&e);
        CHECK(app && app->code == 3);
        std::printf("caught runtime_error: %s (code %d)\n", e.what(), app ? app->code : -1);
    }
    print_events();
    CHECK(events.empty());

    // Rethrow with `throw;` keeps the same object.
    const void *first = nullptr, *second = nullptr;
    try {
        try {
            throw AppError("again", 7);
        } catch (AppError &e) {
            first = &e;
            e.code = 8;
            throw;
        }
    } catch (AppError &e) {
        second = &e;
        std::printf("rethrown code %d, same object: %d\n", e.code, first == second);
    }
    CHECK(first == second);

    // Catch clauses are tried in order; catch (...) takes anything.
    for (int kind = 0; kind < 4; kind++) {
        try {
            switch (kind) {
            case 0: throw 42;
            case 1: throw std::string("a string");
            case 2: throw std::out_of_range("range");
            default: throw 2.5;
            }
        } catch (int i) {
            std::printf("int %d\n", i);
        } catch (const std::string &s) {
            std::printf("string %s\n", s.c_str());
        } catch (const std::exception &e) {
            std::printf("exception %s\n", e.what());
        } catch (...) {
            std::printf("something else\n");
        }
    }

    // A constructor that throws: constructed members are destroyed in reverse.
    try {
        Whole w;
    } catch (const std::logic_error &e) {
        std::printf("constructor threw: %s\n", e.what());
    }
    print_events();

    // Nested exceptions.
    try {
        try {
            throw std::runtime_error("disk full");
        } catch (...) {
            std::throw_with_nested(std::runtime_error("cannot save"));
        }
    } catch (const std::exception &e) {
        print_nested(e, 0);
    }

    // An exception_ptr carries an exception from a thread to another.
    std::exception_ptr from_thread;
    std::thread worker([&] {
        try {
            Guard g("worker");
            level1(5);
        } catch (...) {
            from_thread = std::current_exception();
        }
    });
    worker.join();
    print_events();
    CHECK(from_thread != nullptr);
    try {
        std::rethrow_exception(from_thread);
    } catch (const AppError &e) {
        std::printf("from the thread: %s (code %d)\n", e.what(), e.code);
    }

    // make_exception_ptr, and exceptions thrown in many threads at once.
    auto p = std::make_exception_ptr(std::invalid_argument("made"));
    try { std::rethrow_exception(p); } catch (const std::invalid_argument &e) { std::printf("made: %s\n", e.what()); }
    std::vector<std::thread> threads;
    std::vector<int> caught(8);
    for (int t = 0; t < 8; t++)
        threads.emplace_back([t, &caught] {
            for (int i = 0; i < 1000; i++) {
                try {
                    if (i % 2 == 0) throw AppError("loop", i);
                    throw i;
                } catch (const AppError &) {
                    caught[t]++;
                } catch (int) {
                    caught[t] += 2;
                }
            }
        });
    for (auto &t : threads) t.join();
    int total = 0;
    for (int c : caught) total += c;
    std::printf("caught in threads: %d\n", total);
    CHECK(total == 8 * 1500);

    // system_error carries an error code.
    try {
        throw std::system_error(ENOENT, std::generic_category(), "open");
    } catch (const std::system_error &e) {
        std::printf("system_error %d %s\n", e.code().value(), e.code() == std::errc::no_such_file_or_directory ? "ENOENT" : "?");
        CHECK(e.code() == std::errc::no_such_file_or_directory);
    }

    // Through qsort's C frames to the caller.
    int numbers[20];
    for (int i = 0; i < 20; i++) numbers[i] = i * 7 % 20;
    try {
        std::qsort(numbers, 20, sizeof numbers[0], compare_then_throw);
        CHECK(false);
    } catch (const std::runtime_error &e) {
        std::printf("caught through qsort: %s (comparison %d)\n", e.what(), comparisons);
    }

    // noexcept is reported by the operator, and uncaught_exceptions counts.
    struct Counter { ~Counter() { std::printf("uncaught during unwinding: %d\n", std::uncaught_exceptions()); } };
    try { Counter c; throw 1; } catch (int) {}
    CHECK(std::uncaught_exceptions() == 0);
    return CHECK_STATUS();
}
