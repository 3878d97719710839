-- Revert supervisor_event_store:functions/heartbeat from pg

BEGIN;

DROP FUNCTION event_store.heartbeat(text, numeric);

COMMIT;
