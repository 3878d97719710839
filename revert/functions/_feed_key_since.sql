-- Revert supervisor_event_store:functions/_feed_key_since from pg

BEGIN;

DROP FUNCTION event_store._feed_key_since(timestamptz);

COMMIT;
