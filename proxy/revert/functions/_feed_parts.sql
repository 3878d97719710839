-- Revert supervisor_event_store_proxy:functions/_feed_parts from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store._feed_parts(text, text, text, text, boolean);

COMMIT;
