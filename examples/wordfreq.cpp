// wordfreq: the most frequent words of the files named (or of standard
// input), counted in one thread per file. A C++ example for Lamina:
//
//   build/bin/lamina-c++ -O2 -o wordfreq.wasm examples/wordfreq.cpp
//   build/bin/lamina run wordfreq.wasm README.md docs/toolchain.md
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

using Counts = std::unordered_map<std::string, long>;

static void count(std::istream &in, Counts &counts) {
    std::string word;
    for (char c; in.get(c);) {
        if (std::isalpha(static_cast<unsigned char>(c))) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!word.empty()) {
            counts[word]++;
            word.clear();
        }
    }
    if (!word.empty()) counts[word]++;
}

static Counts count_file(const std::string &name) {
    std::ifstream file(name);
    if (!file) throw std::runtime_error("cannot open " + name);
    Counts counts;
    count(file, counts);
    return counts;
}

int main(int argc, char **argv) {
    std::vector<std::string> names(argv + 1, argv + argc);
    std::vector<Counts> per_file(names.size());
    std::vector<std::string> errors(names.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < names.size(); i++) {
        threads.emplace_back([&, i] {
            try {
                per_file[i] = count_file(names[i]);
            } catch (const std::exception &e) {
                errors[i] = e.what();
            }
        });
    }
    for (auto &t : threads) t.join();
    Counts total;
    if (names.empty()) count(std::cin, total);
    int status = 0;
    for (size_t i = 0; i < names.size(); i++) {
        if (!errors[i].empty()) {
            std::cerr << "wordfreq: " << errors[i] << '\n';
            status = 1;
        }
        for (const auto &[word, n] : per_file[i]) total[word] += n;
    }
    std::vector<std::pair<std::string, long>> sorted(total.begin(), total.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (sorted.size() > 10) sorted.resize(10);
    for (const auto &[word, n] : sorted) std::cout << std::setw(8) << n << ' ' << word << '\n';
    return status;
}
