-- Revert supervisor_event_store:functions/_feed_position from pg

BEGIN;

DROP FUNCTION event_store._feed_position(text);

COMMIT;
