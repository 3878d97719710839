-- Revert supervisor_event_store_proxy:functions/delete_events_for_instance to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.delete_events_for_instance(text);

COMMIT;
