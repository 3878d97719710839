-- Revert supervisor_event_store:functions/_subscription from pg

BEGIN;

DROP FUNCTION event_store._subscription(text, boolean);

COMMIT;
