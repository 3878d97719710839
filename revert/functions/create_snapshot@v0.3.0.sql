-- Revert supervisor_event_store:functions/create_snapshot from pg

BEGIN;

DROP FUNCTION event_store.create_snapshot(text);

COMMIT;
