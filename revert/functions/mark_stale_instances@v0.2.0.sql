-- Revert supervisor_event_store:functions/mark_stale_instances from pg

BEGIN;

DROP FUNCTION event_store.mark_stale_instances(interval);

COMMIT;
