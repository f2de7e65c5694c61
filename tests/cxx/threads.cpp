// std::thread, mutex, condition_variable, atomic, futures and async on our
// pthreads; thread_local objects with destructors; chrono clocks.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <queue>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include "../libc/check.h"  // CHECK, CHECK_STATUS: the self-checks of the C tests

static std::atomic<int> tls_destroyed{0};
struct PerThread {
    int value = 0;
    ~PerThread() { tls_destroyed++; }
};
static thread_local PerThread per_thread;

int main() {
    // A mutex protects a plain counter; an atomic needs none.
    std::mutex m;
    long plain = 0;
    std::atomic<long> atomic{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++)
        threads.emplace_back([&] {
            for (int i = 0; i < 20000; i++) {
                std::lock_guard<std::mutex> lock(m);
                plain++;
            }
            for (int i = 0; i < 20000; i++) atomic.fetch_add(1, std::memory_order_relaxed);
            per_thread.value = 1;
        });
    for (auto &t : threads) t.join();
    std::printf("counters %ld %ld, thread_local destructors %d\n", plain, atomic.load(), tls_destroyed.load());
    CHECK(plain == 80000 && atomic == 80000 && tls_destroyed == 4);

    // Producer and consumer through a condition variable.
    std::queue<int> queue;
    std::condition_variable ready;
    bool done = false;
    long consumed = 0;
    std::thread consumer([&] {
        std::unique_lock<std::mutex> lock(m);
        for (;;) {
            ready.wait(lock, [&] { return !queue.empty() || done; });
            while (!queue.empty()) {
                consumed += queue.front();
                queue.pop();
            }
            if (done) return;
        }
    });
    for (int i = 1; i <= 1000; i++) {
        {
            std::lock_guard<std::mutex> lock(m);
            queue.push(i);
        }
        ready.notify_one();
    }
    {
        std::lock_guard<std::mutex> lock(m);
        done = true;
    }
    ready.notify_one();
    consumer.join();
    std::printf("consumed %ld\n", consumed);
    CHECK(consumed == 500500);

    // wait_for times out when nobody notifies.
    std::unique_lock<std::mutex> lock(m);
    auto start = std::chrono::steady_clock::now();
    bool woke = ready.wait_for(lock, std::chrono::milliseconds(50), [] { return false; });
    auto waited = std::chrono::steady_clock::now() - start;
    lock.unlock();
    std::printf("wait_for timed out: %d\n", !woke);
    CHECK(!woke && waited >= std::chrono::milliseconds(50));

    // Futures: async, promise, packaged_task, and an exception through a future.
    auto sum = std::async(std::launch::async, [] { long s = 0; for (int i = 1; i <= 100; i++) s += i; return s; });
    auto deferred = std::async(std::launch::deferred, [] { return std::string("deferred"); });
    std::promise<int> promise;
    std::future<int> promised = promise.get_future();
    std::thread setter([&] { std::this_thread::sleep_for(std::chrono::milliseconds(10)); promise.set_value(99); });
    std::packaged_task<int(int, int)> task([](int a, int b) { return a * b; });
    auto product = task.get_future();
    std::thread runner(std::move(task), 6, 7);
    auto failing = std::async(std::launch::async, []() -> int { throw std::runtime_error("from async"); });
    std::printf("async %ld, %s, promise %d, task %d\n", sum.get(), deferred.get().c_str(), promised.get(), product.get());
    try {
        failing.get();
        CHECK(false);
    } catch (const std::runtime_error &e) {
        std::printf("future rethrew: %s\n", e.what());
    }
    setter.join();
    runner.join();
    std::shared_future<int> shared = std::async(std::launch::async, [] { return 5; }).share();
    std::vector<std::thread> readers;
    std::atomic<int> read_total{0};
    for (int i = 0; i < 3; i++) readers.emplace_back([&] { read_total += shared.get(); });
    for (auto &r : readers) r.join();
    std::printf("shared future read %d times: %d\n", 3, read_total.load());

    // A shared mutex: readers together, a writer alone.
    std::shared_mutex rw;
    int value = 0;
    std::atomic<int> max_readers{0}, readers_in{0};
    std::vector<std::thread> pool;
    for (int i = 0; i < 4; i++)
        pool.emplace_back([&, i] {
            for (int k = 0; k < 200; k++) {
                if (i == 0) {
                    std::unique_lock<std::shared_mutex> w(rw);
                    value++;
                } else {
                    std::shared_lock<std::shared_mutex> r(rw);
                    int in = ++readers_in;
                    int seen = max_readers.load();
                    while (in > seen && !max_readers.compare_exchange_weak(seen, in)) {}
                    readers_in--;
                }
            }
        });
    for (auto &t : pool) t.join();
    std::printf("writer wrote %d\n", value);
    CHECK(value == 200);

    // call_once, thread ids, hardware_concurrency, sleeping.
    std::once_flag once;
    std::atomic<int> calls{0};
    std::vector<std::thread> callers;
    for (int i = 0; i < 4; i++) callers.emplace_back([&] { std::call_once(once, [&] { calls++; }); });
    for (auto &c : callers) c.join();
    std::printf("call_once ran %d time(s)\n", calls.load());
    std::thread::id main_id = std::this_thread::get_id(), other_id;
    std::thread([&] { other_id = std::this_thread::get_id(); }).join();
    CHECK(main_id != other_id && other_id != std::thread::id());
    CHECK(std::thread::hardware_concurrency() >= 1);
    auto before = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(std::chrono::steady_clock::now() - before >= std::chrono::milliseconds(20));
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    CHECK(now > 1700000000);
    std::thread detached([] {});
    detached.detach();
    std::printf("threads done\n");
    return CHECK_STATUS();
}
