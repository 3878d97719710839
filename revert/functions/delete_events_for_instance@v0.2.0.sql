-- Revert supervisor_event_store:functions/delete_events_for_instance from pg

BEGIN;

DROP FUNCTION event_store.delete_events_for_instance(text);

COMMIT;
