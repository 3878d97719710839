-- Revert supervisor_event_store:functions/query_events from pg

BEGIN;

DROP FUNCTION event_store.query_events(text, text[], timestamptz, timestamptz, text, int, int, bigint);

COMMIT;
