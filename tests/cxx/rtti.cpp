// RTTI: dynamic_cast down, across and to void*, its failures (nullptr,
// std::bad_cast), typeid of objects and types, std::type_index as a key.
#include <map>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <vector>
#include "../libc/check.h"  // CHECK, CHECK_STATUS: the self-checks of the C tests

struct Shape { virtual ~Shape() = default; virtual const char *kind() const = 0; };
struct Named { virtual ~Named() = default; std::string label = "named"; };
struct Circle : Shape { const char *kind() const override { return "circle"; } double r = 1; };
struct Square : Shape, Named { const char *kind() const override { return "square"; } };
struct Unit : Circle {};
namespace geo { template <class T> struct Box { T v; }; }

int main() {
    std::vector<Shape *> shapes{new Circle, new Square, new Unit};
    for (Shape *s : shapes) {
        auto *c = dynamic_cast<Circle *>(s);
        auto *n = dynamic_cast<Named *>(s);  // a cross cast, Shape to Named
        std::printf("%s: circle %d named %d unit %d, most derived at offset %d\n", s->kind(), c != nullptr, n != nullptr,
                    dynamic_cast<Unit *>(s) != nullptr, static_cast<int>(static_cast<char *>(dynamic_cast<void *>(s)) - reinterpret_cast<char *>(s)) == 0);
    }
    Square sq;
    Named &as_named = sq;
    Shape &back = dynamic_cast<Shape &>(as_named);
    CHECK(&back == static_cast<Shape *>(&sq));
    try {
        Circle &wrong = dynamic_cast<Circle &>(*shapes[1]);
        (void)wrong;
        CHECK(false);
    } catch (const std::bad_cast &) {
        std::printf("bad_cast for a reference\n");
    }

    std::printf("typeid names: %s %s %s %s %s\n", typeid(Circle).name(), typeid(*shapes[2]).name(), typeid(geo::Box<int>).name(),
                typeid(int *).name(), typeid(const char[4]).name());
    CHECK(typeid(*shapes[0]) == typeid(Circle));
    CHECK(typeid(*shapes[2]) != typeid(Circle));
    CHECK(typeid(Shape *) == typeid(shapes[0]));
    Shape *null_shape = nullptr;
    try {
        (void)typeid(*null_shape);
        CHECK(false);
    } catch (const std::bad_typeid &) {
        std::printf("bad_typeid for a null pointer\n");
    }

    std::map<std::type_index, std::string> names{{typeid(int), "int"}, {typeid(Circle), "Circle"}, {typeid(Square), "Square"}};
    for (Shape *s : shapes) {
        auto it = names.find(typeid(*s));
        std::printf("type_index lookup: %s\n", it == names.end() ? "absent" : it->second.c_str());
    }
    try {
        throw Unit();
    } catch (const Circle &c) {
        std::printf("caught a Unit as a Circle: %s\n", typeid(c).name());
    }
    for (Shape *s : shapes) delete s;
    return CHECK_STATUS();
}
