-- Revert supervisor_event_store_proxy:remote/list_event_types to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.list_event_types(text);

COMMIT;
