-- Revert supervisor_event_store:functions/_is_instance_id from pg

BEGIN;

DROP FUNCTION event_store._is_instance_id(text);

COMMIT;
