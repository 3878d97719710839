-- Revert supervisor_event_store:functions/feed_cursor from pg

BEGIN;

DROP FUNCTION event_store.feed_cursor(text);

COMMIT;
