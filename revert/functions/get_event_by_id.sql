-- Revert supervisor_event_store:functions/get_event_by_id from pg

BEGIN;

DROP FUNCTION event_store.get_event_by_id(uuid);

COMMIT;
