-- Verify supervisor_event_store:functions/_feed_cursor on pg

BEGIN;

SELECT 1 / (event_store._feed_cursor('5', 7) ~ '^f1\.5\.7\.[0-9a-f]{1,8}$')::int;

ROLLBACK;
