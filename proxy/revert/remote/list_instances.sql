-- Revert supervisor_event_store_proxy:remote/list_instances to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.list_instances(text);

COMMIT;
