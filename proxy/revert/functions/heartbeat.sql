-- Revert supervisor_event_store_proxy:functions/heartbeat to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.heartbeat(text, numeric);

COMMIT;
