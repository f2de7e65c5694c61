-- Second run, on the database create.sql made: joins, aggregates, ORDER BY,
-- index use, window functions, the shell's output modes, and SQL functions
-- that lean on the C library (printf, dates, math).
.bail on
.headers on
.mode column
SELECT c.city, count(*) AS orders, sum(o.amount_cents) AS cents, round(avg(o.amount_cents), 2) AS avg_cents
FROM orders o JOIN customers c ON c.id = o.customer_id
GROUP BY c.city ORDER BY cents DESC;

SELECT name, n, cents FROM order_totals ORDER BY cents DESC, name LIMIT 5;
SELECT name, n FROM order_totals WHERE n = (SELECT min(n) FROM order_totals) ORDER BY name LIMIT 3;

SELECT o.item, count(*) AS n, min(o.amount_cents) AS lo, max(o.amount_cents) AS hi
FROM orders o GROUP BY o.item HAVING count(*) > 7000 ORDER BY o.item COLLATE NOCASE DESC;

-- The index is used for this lookup, and the plan says so.
EXPLAIN QUERY PLAN SELECT amount_cents FROM orders WHERE customer_id = 42 ORDER BY amount_cents;
SELECT group_concat(amount_cents, ',') FROM (SELECT amount_cents FROM orders WHERE customer_id = 42 ORDER BY amount_cents);
EXPLAIN QUERY PLAN SELECT * FROM customers WHERE name = 'Ada';

-- Window functions and a running total.
SELECT id, customer_id, amount_cents,
       sum(amount_cents) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
       rank() OVER (PARTITION BY customer_id ORDER BY amount_cents DESC) AS rank_in_customer,
       lag(item) OVER (ORDER BY id) AS prev_item
FROM orders WHERE id <= 8 ORDER BY id;

-- Top spender per city with a CTE and row_number().
WITH ranked AS (
  SELECT city, name, cents, row_number() OVER (PARTITION BY city ORDER BY cents DESC, name) AS r FROM order_totals
)
SELECT city, name, cents FROM ranked WHERE r = 1 ORDER BY city;

.headers off
.mode list
.separator " | "
SELECT printf('%5d|%-8s|%08.3f|%e|%x|%q|%.3s|%,d', 42, 'left', 3.14159, 123456.789, 255, 'it''s', 'truncated', 1234567);
SELECT printf('%.15g', 0.1), printf('%.20f', 1.0/3), 1e300*1e10, -1e300*1e10, 9223372036854775807 + 1, 5 / 2, 5 / 2.0, 7 % 3, -7 % 3;
SELECT date('2024-02-28', '+1 day'), datetime(1234567890, 'unixepoch'), strftime('%Y-%j %H:%M:%f', '2009-02-13 23:31:30.123'),
       julianday('2000-01-01 12:00:00'), date('2024-01-31', '+1 month'), strftime('%s', '2038-01-19 03:14:08'),
       time('12:00', '-90 minutes'), date('2000-02-29', 'weekday 0', 'start of month');
SELECT abs(-5), round(2.5), round(-2.5), round(1.23456, 3), sqrt(2), pow(2, 10), ln(10), log10(1000), exp(1), pi(), ceil(1.2), floor(-1.2), mod(10, 3), trunc(-2.7), sin(1), atan2(1, 2);
SELECT upper('straße'), lower('ÀÉÎ'), length('héllo'), length(X'00ff'), hex('abc'), substr('hello world', 7), instr('hello', 'll'), replace('a-b-c', '-', '+'), trim('  x  '), quote('it''s'), unicode('é'), char(72, 105), soundex('Robert');
SELECT typeof(1), typeof(1.0), typeof('1'), typeof(X'01'), typeof(NULL), CAST('12abc' AS INTEGER), CAST(3.99 AS INTEGER), CAST(1e20 AS INTEGER), '10' + 5, 10 = '10';
SELECT 'glob', 'abc' GLOB 'a*', 'ABC' LIKE 'a%', 'a_c' LIKE 'a\_c' ESCAPE '\', coalesce(NULL, NULL, 'third'), nullif(1, 1), iif(1 < 2, 'yes', 'no');

-- JSON and full-text search (both compiled in as Debian does).
SELECT json_object('id', id, 'name', name, 'tags', json_array(city, joined)) FROM customers WHERE id <= 3 ORDER BY id;
SELECT json_extract('{"a":{"b":[1,2,{"c":"deep"}]}}', '$.a.b[2].c'), json_array_length('[1,2,3,4]'), json_valid('{bad'), json_type('{"x":1.5}', '$.x');
SELECT key, value FROM json_each('{"x":1,"y":[2,3],"z":null}') ORDER BY key;
CREATE VIRTUAL TABLE temp.docs USING fts5(title, body);
INSERT INTO temp.docs VALUES ('WebAssembly', 'a binary instruction format for a stack-based virtual machine'),
  ('Linux', 'a family of open-source Unix-like operating systems based on the Linux kernel'),
  ('SQLite', 'a database engine written in C, the most used database engine in the world');
SELECT title FROM temp.docs WHERE docs MATCH 'database OR kernel' ORDER BY rank;
SELECT title, snippet(docs, 1, '[', ']', '...', 4) FROM temp.docs WHERE docs MATCH 'virtual' ORDER BY title;
CREATE VIRTUAL TABLE temp.boxes USING rtree(id, minx, maxx, miny, maxy);
INSERT INTO temp.boxes VALUES (1, 0, 10, 0, 10), (2, 5, 15, 5, 15), (3, 20, 30, 20, 30);
SELECT id FROM temp.boxes WHERE maxx >= 8 AND minx <= 12 AND maxy >= 8 AND miny <= 12 ORDER BY id;

-- The shell's output modes and headers.
.separator "|"
.headers on
.mode csv
SELECT id, name, city FROM customers WHERE id IN (1, 5) ORDER BY id;
SELECT 'has,comma' AS a, 'has "quote"' AS b, NULL AS c, 1.5 AS d;
.mode box
SELECT id, name, city FROM customers WHERE id <= 3 ORDER BY id;
.mode markdown
SELECT item, count(*) AS n FROM orders GROUP BY item ORDER BY item LIMIT 3;
.mode json
SELECT id, name, joined, NULL AS missing, 2.5 AS half FROM customers WHERE id <= 2 ORDER BY id;
.mode line
SELECT id, name FROM customers WHERE id = 4;
.mode insert customers_copy
SELECT id, name, city FROM customers WHERE id = 5;
.mode quote
SELECT 'text', 42, 4.5, NULL, X'CAFE';
.mode html
SELECT id, city FROM customers WHERE id = 2;
.mode tabs
SELECT id, name FROM customers WHERE id BETWEEN 2 AND 3 ORDER BY id;
.headers off
.mode table
SELECT 'no headers', 1;
.nullvalue NULL
.mode list
SELECT NULL, 'after .nullvalue';

-- Changes in this run: UPSERT, RETURNING, UPDATE ... FROM, DELETE with LIMIT.
.headers on
.mode list
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, hits INTEGER NOT NULL DEFAULT 0);
INSERT INTO counters (name, hits) VALUES ('alpha', 1), ('beta', 1)
  ON CONFLICT (name) DO UPDATE SET hits = hits + excluded.hits;
INSERT INTO counters (name, hits) VALUES ('alpha', 5) ON CONFLICT (name) DO UPDATE SET hits = hits + excluded.hits RETURNING name, hits;
UPDATE orders SET amount_cents = amount_cents + 1 FROM customers c WHERE orders.customer_id = c.id AND c.name = 'Ada';
DELETE FROM orders WHERE item = 'rug' ORDER BY id DESC LIMIT 10;
SELECT changes(), total_changes() > 0, (SELECT count(*) FROM orders);
