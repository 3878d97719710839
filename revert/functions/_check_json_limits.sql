-- Revert supervisor_event_store:functions/_check_json_limits from pg

BEGIN;

DROP FUNCTION event_store._check_json_limits(jsonb, text, text);

COMMIT;
