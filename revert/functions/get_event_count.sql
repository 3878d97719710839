-- Revert supervisor_event_store:functions/get_event_count from pg

BEGIN;

DROP FUNCTION event_store.get_event_count(text);

COMMIT;
