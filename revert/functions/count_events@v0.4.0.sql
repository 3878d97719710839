-- Revert supervisor_event_store:functions/count_events from pg

BEGIN;

DROP FUNCTION event_store.count_events(text, text[], timestamptz, timestamptz, text, bigint);

COMMIT;
