-- Third run, on the same file: everything the earlier runs wrote is still
-- there (persistence across processes), and the file is consistent.
.bail on
.mode list
.headers off
PRAGMA integrity_check;
PRAGMA page_size;
SELECT count(*), sum(amount_cents), sum(id * amount_cents % 1000003) FROM orders;
SELECT count(*), sum(length(name)), group_concat(DISTINCT city) FROM (SELECT * FROM customers ORDER BY city);
SELECT name, hits FROM counters ORDER BY name;
SELECT sum(amount_cents) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.name = 'Ada';
SELECT count(*) FROM orders WHERE item = 'rug';
SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name;
SELECT count(*) FROM sqlite_temp_schema;
-- Space from the deleted rows is reused or reclaimed; VACUUM rewrites the file.
VACUUM;
PRAGMA integrity_check;
SELECT count(*) FROM orders;
