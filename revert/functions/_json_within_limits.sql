-- Revert supervisor_event_store:functions/_json_within_limits from pg

BEGIN;

DROP FUNCTION event_store._json_within_limits(jsonb);

COMMIT;
