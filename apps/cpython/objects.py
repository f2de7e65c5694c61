# Generators, closures, classes, dataclasses, iterators and functional tools.
import dataclasses, functools, itertools, collections, enum, abc, heapq, bisect, operator


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


print(list(itertools.islice(fib(), 20)), sum(x for x in range(100) if x % 3 == 0))


def counter():
    n = 0

    def inc(k=1):
        nonlocal n
        n += k
        return n

    return inc


c = counter()
print(c(), c(5), c(), [f(2) for f in [lambda x, i=i: x * i for i in range(4)]])


def delegating():
    got = yield from (yield_back())
    yield f"result {got}"


def yield_back():
    x = yield "first"
    yield f"sent {x}"
    return "done"


g = delegating()
print(next(g), g.send("hello"), next(g))


class Shape(abc.ABC):
    count = 0

    def __init__(self):
        Shape.count += 1

    @abc.abstractmethod
    def area(self): ...

    def __lt__(self, other):
        return self.area() < other.area()

    def __repr__(self):
        return f"{type(self).__name__}({self.area():.2f})"


class Square(Shape):
    def __init__(self, s):
        super().__init__()
        self.s = s

    def area(self):
        return self.s**2


class Circle(Shape):
    __slots__ = ("r",)

    def __init__(self, r):
        super().__init__()
        self.r = r

    def area(self):
        return 3.14159 * self.r**2


shapes = [Square(3), Circle(1), Square(1.5), Circle(2)]
print(sorted(shapes), Shape.count, Square.__mro__[1].__name__, isinstance(shapes[1], Shape))
try:
    Shape()
except TypeError as e:
    print("TypeError:", e)


@dataclasses.dataclass(order=True, frozen=True)
class Point:
    x: int
    y: int = 0

    @property
    def norm1(self):
        return abs(self.x) + abs(self.y)


ps = [Point(3, 4), Point(1), Point(-2, 2)]
print(sorted(ps), ps[0].norm1, dataclasses.asdict(ps[0]), Point(1) == Point(1, 0), hash(Point(1)) == hash(Point(1, 0)))


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Perm(enum.IntFlag):
    R = 4
    W = 2
    X = 1


print(Color(2), Color["RED"].value, list(Color), Perm.R | Perm.W, int(Perm.R | Perm.X))


@functools.lru_cache(maxsize=None)
def ways(n):
    return 1 if n < 2 else ways(n - 1) + ways(n - 2)


print(ways(200), ways.cache_info().hits, functools.reduce(operator.mul, range(1, 21)))
print(list(itertools.permutations("abc", 2)), list(itertools.accumulate([1, 2, 3, 4])), list(itertools.groupby("aabbbc")) and [(k, len(list(v))) for k, v in itertools.groupby("aabbbc")])
cnt = collections.Counter("abracadabra")
print(cnt.most_common(3), collections.OrderedDict(a=1, b=2), collections.deque(range(5), maxlen=3), collections.namedtuple("P", "x y")(1, 2))
h = [5, 1, 8, 3, 9, 2]
heapq.heapify(h)
print([heapq.heappop(h) for _ in range(6)], bisect.bisect_left([1, 3, 5, 7], 5), sorted(map(str, range(12)))[:4])
print(type(3).__name__, type(type), getattr(Square(2), "s"), vars(Point(1, 2)) if hasattr(Point(1, 2), "__dict__") else "slots")
