// <regex> (ECMAScript grammar: search, groups, replace, iteration) and
// <random> engines, whose sequences the standard pins down (the 10000th
// value of each default-seeded engine is given in [rand.predef]).
#include <random>
#include <regex>
#include <string>
#include "../libc/check.h"  // CHECK, CHECK_STATUS: the self-checks of the C tests

int main() {
    std::regex date(R"((\d{4})-(\d{2})-(\d{2}))");
    std::string text = "released 2026-12-06, planned 1999-01-31, not 12-06-2026";
    std::smatch m;
    int found = 0;
    for (auto it = text.cbegin(); std::regex_search(it, text.cend(), m, date); it = m.suffix().first) {
        std::printf("date %s/%s/%s at %d\n", m[3].str().c_str(), m[2].str().c_str(), m[1].str().c_str(),
                    static_cast<int>(m.position(0) + (it - text.cbegin())));
        found++;
    }
    CHECK(found == 2);
    std::string swapped = std::regex_replace(text, date, "$3.$2.$1");
    std::printf("%s\n", swapped.c_str());
    CHECK(swapped == "released 06.12.2026, planned 31.01.1999, not 12-06-2026");
    CHECK(std::regex_match("abc123", std::regex("[a-z]+[0-9]+")));
    CHECK(!std::regex_match("abc123x", std::regex("[a-z]+[0-9]+")));
    std::regex word(R"(\b(\w)(\w*)\b)");
    std::string words = "one two three";
    for (std::sregex_iterator it(words.begin(), words.end(), word), end; it != end; ++it)
        std::printf("word %s: first %s, rest %s\n", (*it)[0].str().c_str(), (*it)[1].str().c_str(), (*it)[2].str().c_str());
    std::regex icase("hello", std::regex::icase);
    CHECK(std::regex_search("Say HeLLo", icase));
    try {
        std::regex bad("(unclosed");
        CHECK(false);
    } catch (const std::regex_error &e) {
        std::printf("regex_error for an unclosed group: %s\n", e.code() == std::regex_constants::error_paren ? "error_paren" : "other");
    }

    std::mt19937 mt;
    mt.discard(9999);
    std::mt19937_64 mt64;
    mt64.discard(9999);
    std::minstd_rand0 minstd0;
    minstd0.discard(9999);
    std::minstd_rand minstd;
    minstd.discard(9999);
    std::ranlux24 ranlux;
    ranlux.discard(9999);
    unsigned long long values[] = {mt(), mt64(), minstd0(), minstd(), ranlux()};
    std::printf("10000th values: %llu %llu %llu %llu %llu\n", values[0], values[1], values[2], values[3], values[4]);
    CHECK(values[0] == 4123659995ULL && values[1] == 9981545732273789042ULL && values[2] == 1043618065ULL &&
          values[3] == 399268537ULL && values[4] == 9901578ULL);
    std::seed_seq seq{1, 2, 3};
    std::mt19937 seeded(seq);
    std::printf("seed_seq-seeded first value %u\n", static_cast<unsigned>(seeded()));
    std::random_device device;
    unsigned r = device();
    (void)r;  // (its values are the system's)
    return CHECK_STATUS();
}
