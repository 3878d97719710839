-- Revert supervisor_event_store:functions/list_instances from pg

BEGIN;

DROP FUNCTION event_store.list_instances(text);

COMMIT;
