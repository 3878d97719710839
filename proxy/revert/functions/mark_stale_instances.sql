-- Revert supervisor_event_store_proxy:functions/mark_stale_instances to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.mark_stale_instances(interval);

COMMIT;
