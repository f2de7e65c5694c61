"""Writes the SQLite workload of the allocator comparison to stdout: 60k inserts
(with 20k blob upserts) in one transaction, 300 range aggregates, a GROUP BY,
a join, an UPDATE and a DELETE on an in-memory database. Deterministic (seeded)."""
import random
random.seed(7)
out = ["PRAGMA journal_mode=OFF;", "CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL);",
       "CREATE INDEX ta ON t(a);", "CREATE TABLE u(k TEXT PRIMARY KEY, v BLOB);", "BEGIN;"]
for i in range(60000):
    out.append("INSERT INTO t(a,b,c) VALUES(%d,'%s',%f);" % (random.randrange(100000), "w%x" % random.getrandbits(60) * random.randrange(1, 6), random.random()))
    if i % 3 == 0:
        out.append("INSERT OR REPLACE INTO u VALUES('k%d', zeroblob(%d));" % (random.randrange(20000), random.randrange(10, 2000)))
out.append("COMMIT;")
for i in range(300):
    lo = random.randrange(100000)
    out.append("SELECT count(*), sum(length(b)), avg(c) FROM t WHERE a BETWEEN %d AND %d;" % (lo, lo + 2000))
out.append("SELECT a % 100 AS g, count(*), group_concat(substr(b,1,3)) IS NOT NULL FROM t GROUP BY g ORDER BY 2 DESC LIMIT 5;")
out.append("SELECT count(*) FROM t JOIN u ON u.k = 'k' || (t.a % 20000);")
out.append("UPDATE t SET b = b || 'z' WHERE a % 7 = 0;")
out.append("DELETE FROM t WHERE a % 5 = 0;")
out.append("SELECT count(*), sum(length(b)) FROM t;")
print("\n".join(out))
