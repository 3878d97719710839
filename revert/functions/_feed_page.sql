-- Revert supervisor_event_store:functions/_feed_page from pg

BEGIN;

DROP FUNCTION event_store._feed_page(xid8, bigint, xid8, int, text[], text[], text, int, int, bigint);

COMMIT;
