-- Revert supervisor_event_store_proxy:remote/create_snapshot to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.create_snapshot(text);

COMMIT;
