-- Revert supervisor_event_store:functions/_instance_head from pg

BEGIN;

DROP FUNCTION event_store._instance_head(text);

COMMIT;
