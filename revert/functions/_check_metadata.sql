-- Revert supervisor_event_store:functions/_check_metadata from pg

BEGIN;

DROP FUNCTION event_store._check_metadata(jsonb, text);

COMMIT;
