# Deep recursion: Python recursion up to the limit, and C-level recursion
# (repr, json, comparisons of nested containers) end in RecursionError,
# never in a crash.
import json, sys

limit = sys.getrecursionlimit()
print("limit", limit)


def depth(n):
    return n if n == 0 else 1 + depth(n - 1)


print(depth(limit - 50))


def forever(n):
    return forever(n + 1)


for attempt in range(3):
    try:
        forever(0)
    except RecursionError as e:
        print("RecursionError:", e)

nested = []
for _ in range(200000):
    nested = [nested]
for what, f in (("repr", repr), ("json", json.dumps), ("eq", lambda x: x == x), ("str", str)):
    try:
        f(nested)
        print(what, "ok")
    except RecursionError as e:
        print(what, "RecursionError:", e)

sys.setrecursionlimit(20000)
print(depth(19000))
d = {}
for _ in range(5000):
    d = {"k": d}
print(len(json.dumps(d)))
try:
    exec("x = " + "(" * 1000 + ")" * 1000)
except (RecursionError, MemoryError, SyntaxError) as e:
    print(type(e).__name__, e)
print(eval("-" * 5000 + "1"))
