-- sqlite3 shell workload for the LD_PRELOAD test (test/malloc/run.sh):
-- tables, a recursive CTE of 50,000 rows, indexes, joins, aggregates,
-- strings and a rollback; the output must equal glibc's.
CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, payload BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
INSERT INTO t SELECT i, i % 97, 'name-' || (i * 7919 % 100003), zeroblob(i % 300) FROM n;
CREATE INDEX t_grp ON t(grp);
CREATE INDEX t_name ON t(name);
SELECT grp, count(*), sum(length(payload)), min(name), max(name) FROM t GROUP BY grp ORDER BY grp LIMIT 12;
CREATE TABLE u AS SELECT grp, group_concat(id, ',') AS ids FROM t WHERE id % 11 = 0 GROUP BY grp;
SELECT grp, length(ids), substr(ids, 1, 40) FROM u ORDER BY length(ids) DESC, grp LIMIT 8;
SELECT count(*) FROM t JOIN u ON t.grp = u.grp WHERE t.name LIKE 'name-1%';
BEGIN;
DELETE FROM t WHERE grp < 50;
SELECT count(*) FROM t;
ROLLBACK;
SELECT count(*), total(id) FROM t;
UPDATE t SET name = upper(name) || hex(zeroblob(1)) WHERE id % 5 = 0;
SELECT name FROM t WHERE id IN (5, 10, 50000, 49995) ORDER BY id;
VACUUM;
SELECT printf('%.3f', avg(length(name))) FROM t;
