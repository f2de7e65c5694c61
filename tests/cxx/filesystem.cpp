// <filesystem> in the scratch directory: create, write, iterate, rename,
// copy, query and remove, and the errors for what does not exist.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>
#include "../libc/check.h"  // CHECK, CHECK_STATUS: the self-checks of the C tests

namespace fs = std::filesystem;

static std::vector<std::string> listing(const fs::path &dir, bool recursive) {
    std::vector<std::string> names;
    if (recursive) {
        for (const auto &e : fs::recursive_directory_iterator(dir))
            names.push_back(fs::relative(e.path(), dir).string() + (e.is_directory() ? "/" : ""));
    } else {
        for (const auto &e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

static void print(const char *label, const std::vector<std::string> &names) {
    std::printf("%s:", label);
    for (const auto &n : names) std::printf(" %s", n.c_str());
    std::printf("\n");
}

int main() {
    fs::path base = fs::current_path() / "tree";
    CHECK(fs::create_directories(base / "a" / "b"));
    CHECK(!fs::create_directories(base / "a" / "b"));
    fs::create_directory(base / "c");
    for (const char *name : {"a/one.txt", "a/b/two.txt", "three.log"}) {
        std::ofstream(base / name) << "contents of " << name << '\n';
    }
    print("top", listing(base, false));
    print("all", listing(base, true));
    std::printf("size of three.log: %ju\n", static_cast<uintmax_t>(fs::file_size(base / "three.log")));
    CHECK(fs::is_regular_file(base / "a/one.txt") && fs::is_directory(base / "a/b"));

    fs::rename(base / "three.log", base / "c" / "moved.log");
    CHECK(!fs::exists(base / "three.log") && fs::exists(base / "c/moved.log"));
    fs::copy_file(base / "a/one.txt", base / "c/copy.txt");
    fs::copy(base / "a", base / "a-copy", fs::copy_options::recursive);
    print("after rename and copies", listing(base, true));

    fs::resize_file(base / "c/copy.txt", 4);
    std::ifstream copy(base / "c/copy.txt");
    std::string head;
    copy >> head;
    std::printf("resized copy reads '%s'\n", head.c_str());
    fs::permissions(base / "c/copy.txt", fs::perms::owner_read, fs::perm_options::replace);
    std::printf("permissions %o\n", static_cast<unsigned>(fs::status(base / "c/copy.txt").permissions()));
    fs::create_symlink("a/one.txt", base / "link");
    std::printf("symlink to %s, is_symlink %d, resolves to a file %d\n", fs::read_symlink(base / "link").c_str(),
                fs::is_symlink(fs::symlink_status(base / "link")), fs::is_regular_file(base / "link"));
    auto when = fs::last_write_time(base / "a/one.txt");
    fs::last_write_time(base / "a/one.txt", when - std::chrono::hours(1));
    CHECK(fs::last_write_time(base / "a/one.txt") < when);

    fs::path p = "/usr/lib/../share/./doc/readme.txt";
    std::printf("path: stem %s, extension %s, parent %s, normal %s\n", p.stem().c_str(), p.extension().c_str(),
                p.parent_path().c_str(), p.lexically_normal().c_str());
    std::printf("relative: %s\n", fs::path("/a/b/c").lexically_relative("/a/d").c_str());

    std::error_code ec;
    auto missing = fs::file_size(base / "nothing", ec);
    std::printf("missing: error %s, size %jd\n", ec == std::errc::no_such_file_or_directory ? "ENOENT" : ec.message().c_str(),
                static_cast<intmax_t>(missing));
    try {
        fs::remove(base / "a");  // not empty
        CHECK(false);
    } catch (const fs::filesystem_error &e) {
        std::printf("remove of a non-empty directory: %s\n", e.code() == std::errc::directory_not_empty ? "ENOTEMPTY" : "other");
    }
    CHECK(fs::remove(base / "link"));
    CHECK(!fs::remove(base / "link"));
    std::printf("removed %ju entries\n", static_cast<uintmax_t>(fs::remove_all(base)));
    CHECK(!fs::exists(base));
    auto space = fs::space(fs::current_path());
    CHECK(space.capacity > 0 && space.available <= space.capacity);
    return CHECK_STATUS();
}
