-- Revert supervisor_event_store_proxy:functions/create_snapshot to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.create_snapshot(text);

COMMIT;
