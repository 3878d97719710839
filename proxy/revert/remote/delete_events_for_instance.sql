-- Revert supervisor_event_store_proxy:remote/delete_events_for_instance to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.delete_events_for_instance(text);

COMMIT;
