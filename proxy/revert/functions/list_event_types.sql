-- Revert supervisor_event_store_proxy:functions/list_event_types to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.list_event_types(text);

COMMIT;
