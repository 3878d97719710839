-- Revert supervisor_event_store:functions/_feed_cursor from pg

BEGIN;

DROP FUNCTION event_store._feed_cursor(xid8, bigint, bigint);

COMMIT;
