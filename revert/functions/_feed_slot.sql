-- Revert supervisor_event_store:functions/_feed_slot from pg

BEGIN;

DROP FUNCTION event_store._feed_slot(text, int);

COMMIT;
