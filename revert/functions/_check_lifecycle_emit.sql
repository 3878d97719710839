-- Revert supervisor_event_store:functions/_check_lifecycle_emit from pg

BEGIN;

DROP FUNCTION event_store._check_lifecycle_emit(text, text);

COMMIT;
