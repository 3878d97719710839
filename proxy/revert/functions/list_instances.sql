-- Revert supervisor_event_store_proxy:functions/list_instances to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store.list_instances(text);

COMMIT;
