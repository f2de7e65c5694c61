-- The bulk-insert timing of docs/apps.md: 500000 rows in one transaction into
-- a new file database, then an index over them and an aggregate.
.bail on
PRAGMA journal_mode = DELETE;
CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, value INTEGER NOT NULL, payload TEXT);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000)
INSERT INTO events (id, kind, value, payload)
SELECT i, 'kind' || (i % 17), (i * 2654435761) % 1000003, printf('payload-%08d', i) FROM n;
COMMIT;
CREATE INDEX events_by_kind ON events (kind, value);
SELECT kind, count(*), sum(value) FROM events GROUP BY kind ORDER BY kind LIMIT 3;
