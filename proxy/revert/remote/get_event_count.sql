-- Revert supervisor_event_store_proxy:remote/get_event_count to pg

BEGIN;

DROP FUNCTION IF EXISTS event_store_remote.get_event_count(text);

COMMIT;
