-- Revert supervisor_event_store_proxy:remote/mark_stale_instances to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.mark_stale_instances(interval);

COMMIT;
