-- Verify supervisor_event_store:functions/_feed_position on pg

BEGIN;

SELECT 1 / ((event_store._feed_position(event_store._feed_cursor('5', 7))).global_position = 7)::int;

ROLLBACK;
