-- Revert supervisor_event_store:functions/list_event_types from pg

BEGIN;

DROP FUNCTION event_store.list_event_types(text);

COMMIT;
