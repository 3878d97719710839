-- Revert supervisor_event_store:functions/_validate_event from pg

BEGIN;

DROP FUNCTION event_store._validate_event(text, jsonb, text);

COMMIT;
