# Exceptions: chaining, groups, finally, custom classes and traceback text.
import sys, traceback


class AppError(Exception):
    def __init__(self, code):
        super().__init__(f"code {code}")
        self.code = code


def inner(x):
    return {"a": 1}[x]


def outer(x):
    try:
        return inner(x)
    except KeyError as e:
        raise AppError(7) from e


try:
    outer("b")
except AppError as e:
    print("caught", e, e.code, repr(e.__cause__))
    print("".join(traceback.format_exception(e)), end="")

try:
    try:
        [][1]
    finally:
        print("finally runs")
except IndexError as e:
    print("IndexError:", e)

try:
    raise ExceptionGroup("many", [ValueError("v"), TypeError("t"), ExceptionGroup("inner", [KeyError("k")])])
except* ValueError as eg:
    print("except* ValueError", [str(x) for x in eg.exceptions])
except* (TypeError, KeyError) as eg:
    print("except* rest", eg.message, len(eg.exceptions))

for bad in ("int('x')", "None.attr", "undefined_name", "'a' + 1", "[1, 2][5]", "import no_such_module", "(1).__x__"):
    try:
        exec(bad)
    except Exception as e:
        print(type(e).__name__ + ":", e)


def gen():
    try:
        yield 1
        yield 2
    finally:
        print("generator closed")


g = gen()
print(next(g))
g.close()
with open(__file__) as f:
    print("with closes:", f.closed is False)
print("with closed:", f.closed)
sys.stdout.flush()
print("about to fail", file=sys.stderr)
outer("c")
