-- Revert supervisor_event_store_proxy:remote/heartbeat to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.heartbeat(text, numeric);

COMMIT;
