-- Revert supervisor_event_store:functions/_refuse_registry_delete from pg

BEGIN;

DROP FUNCTION event_store._refuse_registry_delete();

COMMIT;
