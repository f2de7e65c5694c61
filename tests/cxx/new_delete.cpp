// new and delete on the C library's allocator: an allocation that cannot be
// satisfied throws std::bad_alloc (after the new_handler is tried), nothrow
// new returns nullptr, class operators and over-aligned types are honoured.
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <vector>
#include "../libc/check.h"  // CHECK, CHECK_STATUS: the self-checks of the C tests

static int handler_calls;
static void out_of_memory() {
    handler_calls++;
    std::set_new_handler(nullptr);  // the next failure throws
}

struct Counted {
    static int news, deletes;
    int payload[4];
    static void *operator new(std::size_t size) { news++; return ::operator new(size); }
    static void operator delete(void *p) { deletes++; ::operator delete(p); }
};
int Counted::news, Counted::deletes;

struct alignas(64) Wide { char bytes[64]; };

static int *volatile kept;

int main() {
    const std::size_t impossible = std::numeric_limits<std::size_t>::max() - 4096;
    try {
        void *p = ::operator new(impossible);
        ::operator delete(p);
        CHECK(false);
    } catch (const std::bad_alloc &e) {
        std::printf("bad_alloc for an impossible size\n");
    }
    std::set_new_handler(out_of_memory);
    try {
        (void)::operator new(impossible);
        CHECK(false);
    } catch (const std::bad_alloc &) {
        std::printf("bad_alloc after the new_handler ran %d time(s)\n", handler_calls);
    }
    CHECK(handler_calls == 1);
    void *none = ::operator new(impossible, std::nothrow);
    std::printf("nothrow new: %s\n", none ? "memory" : "nullptr");
    CHECK(none == nullptr);
    try {
        std::vector<long> v;
        v.reserve(v.max_size() + 1);
        CHECK(false);
    } catch (const std::length_error &) {
        std::printf("length_error past max_size\n");
    }
    // A negative count: g++ throws bad_array_new_length, clang asks operator
    // new for SIZE_MAX, which throws bad_alloc (its base class). (The result
    // is kept, so that the allocation is not optimised away.)
    try {
        volatile long n = -1;
        kept = new int[n];
        CHECK(false);
    } catch (const std::bad_alloc &) {
        std::printf("bad_alloc for a negative count\n");
    }

    Counted *c = new Counted;
    delete c;
    std::printf("class operators: new %d delete %d\n", Counted::news, Counted::deletes);
    CHECK(Counted::news == 1 && Counted::deletes == 1);

    std::vector<Wide *> wides;
    bool aligned = true;
    for (int i = 0; i < 100; i++) {
        wides.push_back(new Wide);
        aligned &= reinterpret_cast<std::uintptr_t>(wides.back()) % 64 == 0;
    }
    for (Wide *w : wides) delete w;
    auto *raw = static_cast<char *>(::operator new(1000, std::align_val_t(4096)));
    aligned &= reinterpret_cast<std::uintptr_t>(raw) % 4096 == 0;
    ::operator delete(raw, std::align_val_t(4096));
    std::printf("over-aligned allocations aligned: %d\n", aligned);
    CHECK(aligned);

    alignas(int) unsigned char storage[sizeof(int) * 4];
    int *placed = new (storage) int[4]{1, 2, 3, 4};
    std::printf("placement new: %d\n", placed[0] + placed[3]);
    std::vector<std::unique_ptr<int[]>> many;
    long total = 0;
    for (int i = 1; i <= 1000; i++) {
        many.emplace_back(new int[i]());
        many.back()[i - 1] = i;
        total += many.back()[i - 1];
    }
    many.clear();
    std::printf("1000 arrays, total %ld\n", total);
    return CHECK_STATUS();
}
