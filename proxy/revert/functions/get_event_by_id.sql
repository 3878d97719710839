-- Revert supervisor_event_store_proxy:functions/get_event_by_id to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.get_event_by_id(uuid);

COMMIT;
