-- Revert supervisor_event_store_proxy:functions/_feed_merge from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store._feed_merge(event_store_remote.feed_row[], text[], integer, text, text, text);

COMMIT;
