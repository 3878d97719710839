-- Revert supervisor_event_store:functions/wait_for_events from pg

BEGIN;

DROP FUNCTION event_store.wait_for_events(text, double precision, int, text[], text[], text);

COMMIT;
