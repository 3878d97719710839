-- Revert supervisor_event_store_proxy:functions/feed_cursor from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.feed_cursor(text);

COMMIT;
