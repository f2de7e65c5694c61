// Containers and algorithms of the standard library: results the standard
// defines exactly (unordered containers are printed sorted, as their order
// is the implementation's).
#include <algorithm>
#include <any>
#include <array>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>
#include "../libc/check.h"  // CHECK, CHECK_STATUS: the self-checks of the C tests

template <class Range> static void print(const char *label, const Range &r) {
    std::printf("%s:", label);
    for (const auto &x : r) std::printf(" %d", static_cast<int>(x));
    std::printf("\n");
}

struct Visitor {
    std::string operator()(int i) const { return "int " + std::to_string(i); }
    std::string operator()(const std::string &s) const { return "string " + s; }
    std::string operator()(double d) const { return "double " + std::to_string(d); }
};

int main() {
    std::vector<int> v(20);
    std::iota(v.begin(), v.end(), -5);
    std::reverse(v.begin(), v.end());
    print("reversed", v);
    std::sort(v.begin(), v.end(), [](int a, int b) { return std::abs(a) < std::abs(b) || (std::abs(a) == std::abs(b) && a < b); });
    print("by magnitude", v);
    CHECK(std::is_sorted(v.begin(), v.end(), [](int a, int b) { return std::abs(a) < std::abs(b); }));
    auto even = std::stable_partition(v.begin(), v.end(), [](int x) { return x % 2 == 0; });
    print("even first", v);
    std::printf("evens: %d\n", static_cast<int>(even - v.begin()));
    std::vector<long long> ten(10);
    std::iota(ten.begin(), ten.end(), 1);
    std::printf("sum %d, product of 1..10 %lld\n", std::accumulate(v.begin(), v.end(), 0),
                std::accumulate(ten.begin(), ten.end(), 1LL, std::multiplies<long long>()));
    auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    std::printf("min %d max %d\n", *mn, *mx);
    std::vector<int> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::binary_search(sorted.begin(), sorted.end(), 7));
    auto range = std::equal_range(sorted.begin(), sorted.end(), 3);
    std::printf("equal_range(3) at %d..%d\n", static_cast<int>(range.first - sorted.begin()), static_cast<int>(range.second - sorted.begin()));
    std::vector<int> perm{1, 2, 3};
    int perms = 0;
    do perms++; while (std::next_permutation(perm.begin(), perm.end()));
    CHECK(perms == 6);
    std::vector<int> a{1, 3, 5, 7}, b{3, 4, 5, 6}, out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    print("intersection", out);
    out.clear();
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    print("union", out);
    std::vector<int> heap{5, 1, 9, 3, 7};
    std::make_heap(heap.begin(), heap.end());
    std::sort_heap(heap.begin(), heap.end());
    print("heap sorted", heap);
    v.erase(std::remove_if(v.begin(), v.end(), [](int x) { return x < 0; }), v.end());
    print("non-negative", v);

    std::map<std::string, int> words;
    for (const char *w : {"pear", "apple", "fig", "apple", "kiwi", "pear", "apple"}) words[w]++;
    for (const auto &[w, n] : words) std::printf("%s=%d ", w.c_str(), n);
    std::printf("\n");
    auto lb = words.lower_bound("g");
    std::printf("first from g: %s\n", lb->first.c_str());
    std::multimap<int, std::string> mm{{2, "b"}, {1, "a"}, {2, "c"}};
    std::printf("count(2) = %zu\n", mm.count(2));

    std::unordered_map<std::string, int> counts;
    for (int i = 0; i < 1000; i++) counts["k" + std::to_string(i % 37)] += i;
    std::vector<std::pair<std::string, int>> flat(counts.begin(), counts.end());
    std::sort(flat.begin(), flat.end());
    std::printf("unordered: %zu keys, first %s=%d, last %s=%d\n", counts.size(), flat.front().first.c_str(), flat.front().second,
                flat.back().first.c_str(), flat.back().second);
    counts.rehash(1000);
    CHECK(counts.bucket_count() >= 1000 && counts.size() == 37);
    std::unordered_set<int> seen;
    for (int i = 0; i < 100; i++) seen.insert(i * 7 % 50);
    std::printf("distinct %zu\n", seen.size());

    std::set<int, std::greater<int>> desc{4, 8, 1, 9};
    print("descending", desc);
    std::deque<int> dq;
    for (int i = 0; i < 5; i++) { dq.push_front(i); dq.push_back(i * 10); }
    print("deque", dq);
    std::list<int> l{5, 3, 8, 1};
    l.sort();
    l.push_front(0);
    l.reverse();
    print("list", l);
    std::array<int, 4> arr{4, 3, 2, 1};
    std::sort(arr.begin(), arr.end());
    print("array", arr);

    std::string s = "The quick brown fox";
    std::string_view sv(s);
    std::printf("find fox at %zu, substr '%s', rfind o at %zu\n", sv.find("fox"), std::string(sv.substr(4, 5)).c_str(), s.rfind('o'));
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    std::printf("upper: %s\n", s.c_str());
    s.replace(0, 3, "A");
    s += '!';
    std::printf("replaced: %s (%zu)\n", s.c_str(), s.size());
    CHECK(std::stoi("-123") == -123 && std::stod("2.5") == 2.5 && std::stoul("ff", nullptr, 16) == 255);

    std::optional<int> none, some = 5;
    std::printf("optional %d %d\n", none.value_or(-1), some.value_or(-1));
    std::vector<std::variant<int, std::string, double>> vars{1, std::string("two"), 3.5};
    for (const auto &var : vars) std::printf("%s\n", std::visit(Visitor{}, var).c_str());
    std::any any = std::string("held");
    std::printf("any holds string: %d\n", any.type() == typeid(std::string));
    auto t = std::make_tuple(1, std::string("x"), 2.0);
    std::printf("tuple %d %s %.1f\n", std::get<0>(t), std::get<1>(t).c_str(), std::get<2>(t));

    auto shared = std::make_shared<std::vector<int>>(3, 7);
    std::weak_ptr<std::vector<int>> weak = shared;
    {
        auto copy = shared;
        std::printf("use_count %ld\n", shared.use_count());
    }
    shared.reset();
    CHECK(weak.expired());
    auto unique = std::make_unique<int[]>(4);
    unique[3] = 9;
    std::printf("unique %d\n", unique[3]);
    std::function<int(int)> fib = [&](int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); };
    std::printf("fib(20) %d\n", fib(20));
    return CHECK_STATUS();
}
