-- Revert supervisor_event_store:functions/emit_event from pg

BEGIN;

DROP FUNCTION event_store.emit_event(text, text, jsonb, jsonb, uuid, bigint);
DROP FUNCTION event_store._check_emit_arguments(text, jsonb, bigint);
DROP FUNCTION event_store._sequence_conflict(text, bigint, bigint);
DROP FUNCTION event_store._instance_not_found(text);
DROP FUNCTION event_store._check_instance_id(text);

COMMIT;
