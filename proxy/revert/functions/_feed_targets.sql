-- Revert supervisor_event_store_proxy:functions/_feed_targets from pg

BEGIN;

DROP FUNCTION IF EXISTS event_store._feed_targets(text, text[], text[]);

COMMIT;
