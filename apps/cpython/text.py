# str, bytes and Unicode; dicts, sets and sorting.
import unicodedata

s = "Grüße, 世界! ǅ 🐍"
print(s, len(s), s.upper(), s.casefold(), s.title(), s[::-1])
for enc in ("utf-8", "utf-16-le", "utf-32-be", "latin-1"):
    try:
        b = s.encode(enc)
        print(enc, len(b), b[:12].hex(), b.decode(enc) == s)
    except UnicodeEncodeError as e:
        print(enc, "UnicodeEncodeError", e.start, e.end, e.reason)
print(b"caf\xc3\xa9".decode(), b"\xff\xfeabc".decode("utf-8", "replace"), "é".encode("ascii", "xmlcharrefreplace"))
print([unicodedata.name(c) for c in "é世🐍"], unicodedata.normalize("NFD", "é").encode(), unicodedata.category("ǅ"))
print(ascii(s), repr("tab\there\n\x00\u200b"), "ß".upper(), "ﬁ".lower(), "İ".lower().encode())
print("a,b,,c".split(","), " x  y ".split(), "-".join("abc"), "abc".center(9, "*"), "x".zfill(4))
print("hello world".replace("o", "0", 1), "Mississippi".count("ss"), "abc".find("z"), "aXbXc".rpartition("X"))
print(b"abc" * 3, bytearray(b"hello").upper(), bytes(range(5)), b"a\x00b".split(b"\x00"), memoryview(b"xyz")[1:].tobytes())
print("{:>10}|{:<5}|{:^7}|{!r}".format("right", "l", "mid", "r"), f"{'nested':{'>'}{12}}", "%(a)s-%(b)d" % {"a": "A", "b": 2})
print(sorted("The quick brown fox jumps over the lazy dog".split(), key=str.lower))
print(sorted(["b", "A", "a", "B", "é", "e"]), max("apple", "Apple"), "abc" < "abd" < "b")

d = {}
for w in "the cat and the hat and the bat".split():
    d[w] = d.get(w, 0) + 1
print(d, list(d), sorted(d.items(), key=lambda kv: (-kv[1], kv[0])))
d2 = {i: i * i for i in range(10)}
del d2[3]
d2[3] = "again"
print(list(d2.items())[-2:], d2 | {"x": 1} == {**d2, "x": 1}, {k: v for k, v in d2.items() if k % 4 == 0})
a, b = set(range(0, 20, 2)), set(range(0, 20, 3))
print(sorted(a & b), sorted(a | b), sorted(a - b), sorted(a ^ b), frozenset("aab") == {"a", "b"}, a > {2, 4})
recs = [("bob", 3, 1.5), ("alice", 3, 2.5), ("carol", 1, 0.5), ("dave", 2, 9.0), ("eve", 3, 1.5)]
print(sorted(recs, key=lambda r: (r[1], -r[2])), sorted(recs, reverse=True)[:2])
import random
rng = random.Random(12345)
xs = [rng.randrange(10**6) for _ in range(10000)]
ys = sorted(xs)
print(ys[:5], ys[-3:], all(ys[i] <= ys[i + 1] for i in range(len(ys) - 1)), rng.random(), rng.choice("abcdef"))
