// iostreams and string formatting: string streams, manipulators, numbers to
// and from text, file streams in the scratch directory.
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>
#include "../libc/check.h"  // CHECK, CHECK_STATUS: the self-checks of the C tests

int main() {
    std::ostringstream out;
    out << "int " << 42 << ", negative " << -7 << ", double " << 3.14159 << ", bool " << true << ' ' << std::boolalpha << false;
    std::cout << out.str() << "\n";
    CHECK(out.str() == "int 42, negative -7, double 3.14159, bool 1 false");

    std::ostringstream f;
    f << std::fixed << std::setprecision(3) << 2.0 / 3 << '|' << std::scientific << 12345.678 << '|' << std::defaultfloat
      << 1e-5 << '|' << std::setw(8) << std::setfill('*') << 42 << '|' << std::left << std::setw(6) << "ab" << '|'
      << std::right << std::hex << std::showbase << 255 << '|' << std::oct << 8 << '|' << std::dec << std::uppercase
      << std::hex << 48879 << std::nouppercase << std::dec << '|' << std::showpos << 5 << std::noshowpos;
    std::cout << f.str() << "\n";
    CHECK(f.str() == "0.667|1.235e+04|1e-05|******42|ab****|0xff|010|0XBEEF|+5");

    std::cout << std::setprecision(17) << 0.1 << ' ' << std::numeric_limits<double>::max() << ' '
              << std::setprecision(6) << std::numeric_limits<float>::min() << "\n";
    std::cout << std::numeric_limits<long long>::min() << ' ' << std::numeric_limits<unsigned long long>::max() << "\n";
    std::cout << std::sqrt(-1.0) << ' ' << 1.0 / 0.0 << ' ' << -1.0 / 0.0 << "\n";

    std::istringstream in("12 3.5 word 0x1f\nsecond line here\nthird");
    int i = 0;
    double d = 0;
    std::string w;
    int h = 0;
    in >> i >> d >> w >> std::hex >> h;
    std::printf("parsed %d %.1f %s %d\n", i, d, w.c_str(), h);
    CHECK(i == 12 && d == 3.5 && w == "word" && h == 31);
    std::string line;
    std::getline(in >> std::ws, line);
    std::printf("line '%s'\n", line.c_str());
    std::getline(in, line);
    std::printf("line '%s' eof %d\n", line.c_str(), in.eof());
    std::istringstream bad("abc");
    int n = 5;
    bad >> n;
    std::printf("failed parse: fail %d value %d\n", bad.fail(), n);
    CHECK(bad.fail() && n == 0);

    std::printf("to_string %s %s %s\n", std::to_string(-17).c_str(), std::to_string(2.5).c_str(), std::to_string(1ULL << 63).c_str());
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, 1234567);
    *r.ptr = 0;
    std::printf("to_chars %s\n", buf);
    r = std::to_chars(buf, buf + sizeof buf, 255, 16);
    *r.ptr = 0;
    std::printf("to_chars hex %s\n", buf);
    r = std::to_chars(buf, buf + sizeof buf, 0.1);
    *r.ptr = 0;
    std::printf("to_chars shortest %s\n", buf);
    r = std::to_chars(buf, buf + sizeof buf, 1.0 / 3, std::chars_format::fixed, 5);
    *r.ptr = 0;
    std::printf("to_chars fixed %s\n", buf);
    double parsed = 0;
    const char *text = "6.02214076e23";
    auto fr = std::from_chars(text, text + std::strlen(text), parsed);
    std::printf("from_chars %g ok %d\n", parsed, fr.ec == std::errc());
    CHECK(parsed == 6.02214076e23);
    long long big = 0;
    const char *num = "-9223372036854775808";
    std::from_chars(num, num + std::strlen(num), big);
    CHECK(big == std::numeric_limits<long long>::min());

    {
        std::ofstream file("numbers.txt");
        for (int k = 1; k <= 5; k++) file << k << " squared is " << k * k << '\n';
        CHECK(file.good());
    }
    std::ifstream file("numbers.txt");
    std::string word;
    int k = 0, sq = 0, lines = 0, sum = 0;
    while (file >> k >> word >> word >> sq) {
        lines++;
        sum += sq;
    }
    std::printf("read %d lines, sum %d\n", lines, sum);
    CHECK(lines == 5 && sum == 55);
    std::fstream both("numbers.txt", std::ios::in | std::ios::out | std::ios::binary);
    both.seekp(0, std::ios::end);
    std::printf("size %lld\n", static_cast<long long>(both.tellp()));
    both.seekg(2);
    std::string rest;
    both >> rest;
    std::printf("at 2: %s\n", rest.c_str());

    std::vector<std::string> parts;
    std::istringstream csv("a,b,,c");
    for (std::string part; std::getline(csv, part, ',');) parts.push_back(part);
    std::printf("fields %zu:", parts.size());
    for (const auto &p : parts) std::printf(" [%s]", p.c_str());
    std::printf("\n");
    std::cerr << "to stderr\n";
    std::cout << std::flush;
    std::wostringstream wide;
    wide << L"wide " << 12;
    std::printf("wide length %zu\n", wide.str().size());
    return CHECK_STATUS();
}
