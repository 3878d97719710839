-- Revert supervisor_event_store_proxy:remote/feed_cursor from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.feed_cursor(integer[], integer[], text);

COMMIT;
