-- First run on a new database file: a schema, many rows inserted in one
-- transaction, an index, and a look at what was stored.
.bail on
PRAGMA page_size = 4096;
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT NOT NULL,
  joined TEXT NOT NULL
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  amount_cents INTEGER NOT NULL,
  item TEXT NOT NULL,
  note BLOB
);

BEGIN;
INSERT INTO customers (id, name, city, joined) VALUES
  (1, 'Ada', 'London', '2020-01-15'),
  (2, 'Brian', 'Glasgow', '2020-03-01'),
  (3, 'Chen', 'Beijing', '2021-07-30'),
  (4, 'Dagny', 'Oslo', '2019-11-11'),
  (5, 'Émile', 'Paris', '2022-02-28');
-- 2000 more customers and 50000 orders, generated deterministically.
WITH RECURSIVE n(i) AS (SELECT 6 UNION ALL SELECT i + 1 FROM n WHERE i < 2005)
INSERT INTO customers (id, name, city, joined)
SELECT i, 'customer-' || i,
       CASE i % 5 WHEN 0 THEN 'London' WHEN 1 THEN 'Glasgow' WHEN 2 THEN 'Beijing' WHEN 3 THEN 'Oslo' ELSE 'Paris' END,
       date('2019-01-01', '+' || (i * 7 % 1400) || ' days')
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
INSERT INTO orders (id, customer_id, amount_cents, item, note)
SELECT i, 1 + (i * 7919) % 2005, 100 + (i * 104729) % 99900,
       CASE i % 7 WHEN 0 THEN 'book' WHEN 1 THEN 'lamp' WHEN 2 THEN 'chair' WHEN 3 THEN 'desk'
                  WHEN 4 THEN 'pen' WHEN 5 THEN 'mug' ELSE 'rug' END,
       CASE WHEN i % 100 = 0 THEN zeroblob(i % 700) ELSE NULL END
FROM n;
COMMIT;

CREATE INDEX orders_by_customer ON orders (customer_id, amount_cents);
CREATE UNIQUE INDEX customers_by_name ON customers (name);
CREATE VIEW order_totals AS
  SELECT c.id, c.name, c.city, count(o.id) AS n, sum(o.amount_cents) AS cents
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id;

SELECT count(*), sum(amount_cents), min(amount_cents), max(amount_cents) FROM orders;
SELECT count(*), count(DISTINCT city), min(joined), max(joined) FROM customers;
SELECT count(*), sum(length(note)) FROM orders WHERE note IS NOT NULL;
PRAGMA integrity_check;
SELECT name, type FROM sqlite_schema ORDER BY name;
