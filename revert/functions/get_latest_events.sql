-- Revert supervisor_event_store:functions/get_latest_events from pg

BEGIN;

DROP FUNCTION event_store.get_latest_events(text, int);

COMMIT;
